// `verify --remote NAME [--target T] [--download]`: every complete backup of this host's targets on a remote.
import type { Io, Session } from '../app.js';
import type { AgeIdentity } from '../archive/decrypt.js';
import { withRemote } from '../remotes/open.js';
import { verifyRemoteTarget, type RemoteVerifyResult } from '../remotes/verify.js';
import { EXIT } from '../report.js';
import { registryChecks, type TargetConfig } from '../targets/registry.js';
import { errorMessage } from '../util/errors.js';
import { IDENTITY_HINT } from './identity.js';

function line(r: RemoteVerifyResult, download: boolean, encrypted: boolean): string {
  if (!r.ok) return `FAIL ${r.key}\n${r.problems.map((p) => `     - ${p}`).join('\n')}`;
  if (!download || !encrypted) return `OK   ${r.key}`;
  if (r.content_checked) return `OK   ${r.key}, decrypted and checked`;
  return `OK   ${r.key}\n     encrypted: checksum, manifest and age header checked; content NOT checked (${IDENTITY_HINT})`;
}

export async function remoteVerify(
  session: Session,
  io: Io,
  name: string,
  selected: TargetConfig[],
  options: { download: boolean; json: boolean; identity?: AgeIdentity },
): Promise<number> {
  const signal = new AbortController().signal;
  const results: RemoteVerifyResult[] = [];
  const lines: string[] = [];
  await withRemote(session.config, name, { logger: session.log.logger, signal }, async (store) => {
    for (const target of selected) {
      try {
        const found = await verifyRemoteTarget(store, session.config.hostname, target.name, {
          download: options.download,
          signal,
          checks: registryChecks(io.env),
          identity: options.identity,
        });
        results.push(...found.results);
        for (const r of found.results) lines.push(line(r, options.download, r.name.endsWith('.age')));
        for (const n of found.incomplete) lines.push(`     not a complete backup, left alone: ${n.name} (${n.reason})`);
      } catch (error) {
        const message = session.redactor.redact(errorMessage(error));
        results.push({ target: target.name, name: '', key: '', ok: false, problems: [message], content_checked: false });
        lines.push(`FAIL ${target.name}: ${message}`);
      }
    }
  });
  if (options.json) io.stdout.write(JSON.stringify({ remote: name, download: options.download, results }, null, 2) + '\n');
  else io.stdout.write((lines.length > 0 ? lines.join('\n') : 'no remote backups to verify') + '\n');
  return results.every((r) => r.ok) ? EXIT.ok : EXIT.failure;
}
