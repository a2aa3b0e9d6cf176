// `snapshotter verify PATH...` and `verify --all`: deep checks of archives; exit 1 when any fails.
import { join } from 'node:path';
import { bareLogger, openSession, selectTargets, type GlobalOptions, type Io } from '../app.js';
import { readCatalog } from '../archive/catalog.js';
import { verifyArchive, type VerifyResult } from '../archive/verify.js';
import { EXIT } from '../report.js';
import { registryChecks } from '../targets/registry.js';
import { formatBytes } from '../util/duration.js';
import { UsageError } from '../util/errors.js';

export interface VerifyOptions extends GlobalOptions {
  all?: boolean;
  target?: string[];
}

async function archivesOfConfig(options: VerifyOptions, io: Io): Promise<string[]> {
  const session = await openSession(options, io);
  try {
    const paths: string[] = [];
    for (const target of selectTargets(session.config.targets, options.target)) {
      const catalog = await readCatalog(join(session.config.backup_dir, target.name), target.name);
      paths.push(...catalog.complete.map((b) => b.path), ...catalog.incomplete.map((b) => b.path));
    }
    return paths;
  } finally {
    await session.log.close();
  }
}

function line(result: VerifyResult): string {
  if (result.ok && result.check) {
    const entries = result.check.entries === null ? '' : `, ${result.check.entries} entries`;
    return `OK   ${result.path} (${formatBytes(result.check.size_bytes)}${entries}, sha256 ${result.check.sha256.slice(0, 12)}…)`;
  }
  return `FAIL ${result.path}\n${result.problems.map((p) => `     - ${p}`).join('\n')}`;
}

export async function verifyCommand(paths: string[], options: VerifyOptions, io: Io): Promise<number> {
  if (options.all && paths.length > 0) throw new UsageError('give archive paths or --all, not both');
  if (!options.all && paths.length === 0) throw new UsageError('give at least one archive path, or --all');
  const archives = options.all ? await archivesOfConfig(options, io) : paths;
  const log = await bareLogger(options, io);
  try {
    const results: VerifyResult[] = [];
    for (const path of archives) {
      const result = await verifyArchive(path, undefined, undefined, registryChecks(io.env));
      results.push(result);
      if (!options.json) io.stdout.write(line(result) + '\n');
      if (!result.ok) log.logger.error({ path, problems: result.problems }, 'archive failed verification');
    }
    if (options.json)
      io.stdout.write(
        JSON.stringify(
          results.map(({ check, ...r }) => ({ ...r, ...check })),
          null,
          2,
        ) + '\n',
      );
    else if (archives.length === 0) io.stdout.write('no archives to verify\n');
    return results.every((r) => r.ok) ? EXIT.ok : EXIT.failure;
  } finally {
    await log.close();
  }
}
