// curl as the upload bench's reference client: one `curl -T` PUT, and the multipart sequence aws-cli makes
// (CreateMultipartUpload, the parts 4 at a time in one curl process, CompleteMultipartUpload), so that s3rver's cost
// of a multipart upload can be seen without snapshotter. The parts are split into files beforehand (not measured).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { measure } from './measure.mjs';

const AUTH = [
  '-sS',
  '-f',
  '--aws-sigv4',
  'aws:amz:us-east-1:s3',
  '--user',
  'S3RVER:S3RVER',
  '-H',
  'x-amz-content-sha256: UNSIGNED-PAYLOAD',
];

/** One PUT of the file, as `curl -T`. */
export function curlPut(path, url) {
  return measure('curl', [...AUTH, '-T', path, url]);
}

/** Splits `path` into `partBytes` files under `dir` (not measured); returns them in order with their MD5s. */
export function splitParts(path, dir, partBytes) {
  execFileSync('split', ['-b', String(partBytes), '-d', '-a', '5', path, join(dir, 'part-')]);
  return readdirSync(dir)
    .filter((n) => n.startsWith('part-'))
    .sort()
    .map((n) => ({
      path: join(dir, n),
      md5: createHash('md5')
        .update(readFileSync(join(dir, n)))
        .digest('hex'),
    }));
}

/** The three steps of a multipart upload with curl; the figures summed (RSS: the largest curl). */
export async function curlMultipart(parts, url, dir, inFlight = 4) {
  const steps = [];
  const create = await measure('curl', [...AUTH, '-X', 'POST', `${url}?uploads`], { stdout: 'pipe' });
  steps.push(create);
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(create.stdout)?.[1];
  if (!uploadId) throw new Error(`CreateMultipartUpload answered without an UploadId: ${create.stdout}`);
  const id = encodeURIComponent(uploadId);
  const transfers = parts.flatMap((p, i) => ['-T', p.path, `${url}?partNumber=${i + 1}&uploadId=${id}`]);
  steps.push(await measure('curl', [...AUTH, '-Z', '--parallel-max', String(inFlight), '-o', '/dev/null', ...transfers]));
  const xml = `<CompleteMultipartUpload>${parts
    .map((p, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${p.md5}"</ETag></Part>`)
    .join('')}</CompleteMultipartUpload>`;
  writeFileSync(join(dir, 'complete.xml'), xml);
  steps.push(
    await measure('curl', [...AUTH, '-X', 'POST', '--data-binary', `@${join(dir, 'complete.xml')}`, `${url}?uploadId=${id}`]),
  );
  return {
    wall: steps.reduce((a, s) => a + s.wall, 0),
    cpu: steps.reduce((a, s) => a + s.cpu, 0),
    rssMiB: Math.max(...steps.map((s) => s.rssMiB)),
  };
}
