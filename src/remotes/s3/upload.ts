// Streams a local file to one S3 object: one PUT up to the part size, else a multipart upload of file ranges (a few
// parts in flight), each part retried on its own, the upload aborted on any failure so no orphan parts stay behind.
// Bodies are streams read from the file (memory bounded by the read buffers, whatever the part size): the SDK signs
// a stream as UNSIGNED-PAYLOAD instead of hashing every byte for the signature (as aws-cli does over https).
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorCode, RemoteError } from './errors.js';
import { withRetry, type Attempt, type Sdk } from './client.js';
import { MAX_PART_SIZE, type S3Remote } from './schema.js';

/** Parts in flight: each holds only its read buffer, so this does not depend on the part size. */
const MAX_IN_FLIGHT = 4;
const READ_CHUNK = 1024 * 1024;

export interface UploadTarget {
  sdk: Sdk;
  client: S3Client;
  config: S3Remote;
  attempt: Omit<Attempt, 'what'>;
}

/** The part size for a file: the configured one, grown so that the upload needs at most `max_parts` parts. */
export function partSizeFor(size: number, config: Pick<S3Remote, 'part_size' | 'max_parts'>): number {
  const needed = Math.ceil(size / config.max_parts);
  const mib = 1024 * 1024;
  return Math.max(config.part_size, Math.ceil(needed / mib) * mib);
}

/** Headers every object gets: storage class, object lock retain-until, and its MD5 where S3 requires one. */
export function objectOptions(config: S3Remote, now: Date) {
  return {
    ...(config.storage_class ? { StorageClass: config.storage_class as never } : {}),
    ...(config.object_lock
      ? {
          ObjectLockMode: config.object_lock.mode,
          ObjectLockRetainUntilDate: new Date(now.getTime() + config.object_lock.days * 86_400_000),
        }
      : {}),
  };
}

/** Bytes [start, start + length) of a file as a stream (a fresh one per attempt). */
function rangeStream(path: string, start: number, length: number): Readable {
  return createReadStream(path, { start, end: start + length - 1, highWaterMark: READ_CHUNK });
}

/**
 * `Content-MD5` of a body (`() => [bytes]`, or a file range's stream): S3 requires it (or a checksum header) on every
 * write with object lock, so only then is the body opened and read for it (a file range twice); elsewhere it is skipped.
 */
export async function contentMd5(
  config: Pick<S3Remote, 'object_lock'>,
  body: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
): Promise<{ ContentMD5?: string }> {
  if (!config.object_lock) return {};
  const md5 = createHash('md5');
  for await (const chunk of body()) md5.update(chunk);
  return { ContentMD5: md5.digest('base64') };
}

/** A part refused as invalid: the service's part limit is lower than `max_parts` (R2, some Ceph setups). */
function partRefused(error: unknown, t: UploadTarget, number: number, count: number): RemoteError | undefined {
  if (errorCode((error as Error).cause) !== 'InvalidArgument') return undefined;
  return new RemoteError(
    `${t.attempt.where}: part ${number} of ${count} refused (InvalidArgument): the service's part limit is lower than max_parts ${t.config.max_parts}; set max_parts to its limit (part limit exceeded)`,
    { cause: error },
  );
}

/** Uploads a file to `key` with its sha256 as `x-amz-meta-sha256`. */
export async function uploadFile(t: UploadTarget, key: string, path: string, size: number, sha256: string): Promise<void> {
  const { sdk, client, config } = t;
  const signal = t.attempt.signal;
  const common = { Bucket: config.bucket, Key: key, Metadata: { sha256 }, ...objectOptions(config, new Date()) };
  const partSize = partSizeFor(size, config);
  if (partSize > MAX_PART_SIZE) {
    throw new RemoteError(
      `${t.attempt.where}: ${key}: ${size} bytes need more than max_parts ${config.max_parts} parts of at most 5 GiB (part limit exceeded)`,
    );
  }
  const found = (await stat(path)).size;
  if (found !== size) throw new RemoteError(`${path}: ${found} bytes, but its sidecar and manifest were written for ${size}`);
  if (size <= config.part_size) {
    const md5 = await contentMd5(config, () => rangeStream(path, 0, size));
    await withRetry({ ...t.attempt, what: `PUT ${key}` }, () =>
      client.send(new sdk.PutObjectCommand({ ...common, Body: rangeStream(path, 0, size), ContentLength: size, ...md5 }), {
        abortSignal: signal,
      }),
    );
    return;
  }
  const created = await withRetry({ ...t.attempt, what: `start multipart upload of ${key}` }, () =>
    client.send(new sdk.CreateMultipartUploadCommand(common), { abortSignal: signal }),
  );
  const uploadId = created.UploadId!;
  try {
    const parts = await uploadParts(t, path, key, uploadId, size, partSize);
    await withRetry({ ...t.attempt, what: `complete multipart upload of ${key}` }, () =>
      client.send(
        new sdk.CompleteMultipartUploadCommand({
          Bucket: config.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
        }),
        { abortSignal: signal },
      ),
    );
  } catch (error) {
    // Not the run's signal: an interrupted run must still take its parts back.
    await client
      .send(new sdk.AbortMultipartUploadCommand({ Bucket: config.bucket, Key: key, UploadId: uploadId }))
      .catch((abortError: unknown) =>
        t.attempt.logger.error({ key, error: String(abortError) }, 'could not abort the multipart upload; the next run retries'),
      );
    throw error;
  }
}

async function uploadParts(
  t: UploadTarget,
  path: string,
  key: string,
  uploadId: string,
  size: number,
  partSize: number,
): Promise<{ PartNumber: number; ETag: string }[]> {
  const count = Math.ceil(size / partSize);
  const parts = new Array<{ PartNumber: number; ETag: string }>(count);
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      const offset = index * partSize;
      const length = Math.min(partSize, size - offset);
      const number = index + 1;
      const md5 = await contentMd5(t.config, () => rangeStream(path, offset, length));
      const answer = await withRetry({ ...t.attempt, what: `PUT ${key} part ${number} of ${count}` }, () =>
        t.client.send(
          new t.sdk.UploadPartCommand({
            Bucket: t.config.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: number,
            Body: rangeStream(path, offset, length),
            ContentLength: length,
            ...md5,
          }),
          { abortSignal: t.attempt.signal },
        ),
      ).catch((error: unknown) => {
        failed = true;
        throw partRefused(error, t, number, count) ?? error;
      });
      parts[index] = { PartNumber: number, ETag: answer.ETag! };
    }
  };
  // Every worker settles before the caller aborts the upload, so no part lands after the abort.
  const settled = await Promise.allSettled(Array.from({ length: Math.min(MAX_IN_FLIGHT, count) }, worker));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  return parts;
}
