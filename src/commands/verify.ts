// `snapshotter verify PATH...` and `verify --all`: deep checks of archives; exit 1 when any fails.
import { join } from 'node:path';
import { openSession, selectTargets, type GlobalOptions, type Io } from '../app.js';
import { readCatalog } from '../archive/catalog.js';
import { verifyArchive, type VerifyResult } from '../archive/verify.js';
import { EXIT } from '../report.js';
import { registryChecks } from '../targets/registry.js';
import { formatBytes } from '../util/duration.js';
import { UsageError } from '../util/errors.js';
import { identityFrom, IDENTITY_HINT } from './identity.js';

export interface VerifyOptions extends GlobalOptions {
  all?: boolean;
  target?: string[];
  identity?: string;
  remote?: string;
  download?: boolean;
}

async function verifyRemote(options: VerifyOptions & { remote: string }, io: Io): Promise<number> {
  const session = await openSession(options, io);
  try {
    const selected = selectTargets(session.config.targets, options.target);
    const { remoteVerify } = await import('./remote-verify.js');
    return await remoteVerify(session, io, options.remote, selected, {
      download: options.download === true,
      json: options.json === true,
      identity: await identityFrom(options.identity, io.env),
    });
  } finally {
    await session.log.close();
  }
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
    const ok = `OK   ${result.path} (${formatBytes(result.check.size_bytes)}${entries}, sha256 ${result.check.sha256.slice(0, 12)}…)`;
    const notes = result.notes.map((n) => `\n     note: ${n}`).join('');
    if (result.content_checked) return (result.encrypted ? `${ok}, decrypted and checked` : ok) + notes;
    return `${ok}\n     encrypted: checksum, manifest and age header checked; content NOT checked (${IDENTITY_HINT})`;
  }
  return `FAIL ${result.path}\n${result.problems.map((p) => `     - ${p}`).join('\n')}`;
}

export async function verifyCommand(paths: string[], options: VerifyOptions, io: Io): Promise<number> {
  if (options.remote) {
    if (paths.length > 0 || options.all) throw new UsageError('--remote checks the remote backups: give no paths and no --all');
    return verifyRemote({ ...options, remote: options.remote }, io);
  }
  if (options.download) throw new UsageError('--download needs --remote NAME');
  if (options.all && paths.length > 0) throw new UsageError('give archive paths or --all, not both');
  if (!options.all && paths.length === 0) throw new UsageError('give at least one archive path, or --all');
  const archives = options.all ? await archivesOfConfig(options, io) : paths;
  const identity = await identityFrom(options.identity, io.env);
  const results: VerifyResult[] = [];
  for (const path of archives) {
    const result = await verifyArchive(path, undefined, undefined, registryChecks(io.env), identity);
    results.push(result);
    if (!options.json) io.stdout.write(line(result) + '\n');
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
}
