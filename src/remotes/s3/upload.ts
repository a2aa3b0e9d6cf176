// Streams a local file to one S3 object: one PUT up to the part size, else a multipart upload read from file ranges
// (a few parts in flight, memory bounded by parts × part size whatever the file's size), each part retried on its
// own, the upload aborted on any failure so no orphan parts stay behind.
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { S3Client } from '@aws-sdk/client-s3';
import { errorCode, RemoteError } from './errors.js';
import { withRetry, type Attempt, type Sdk } from './client.js';
import { MAX_PART_SIZE, type S3Remote } from './schema.js';

/** At most this many bytes of parts are held in memory at once (at least one part). */
const IN_FLIGHT_BYTES = 32 * 1024 * 1024;
const MAX_IN_FLIGHT = 4;

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

/** `Content-MD5`: S3 requires it (or a checksum header) on every write with object lock; elsewhere it is skipped. */
export function contentMd5(config: Pick<S3Remote, 'object_lock'>, bytes: Uint8Array): { ContentMD5?: string } {
  return config.object_lock ? { ContentMD5: createHash('md5').update(bytes).digest('base64') } : {};
}

async function readRange(file: FileHandle, offset: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
    if (bytesRead === 0) throw new Error(`the file ended at ${offset + done} bytes, before its recorded size`);
    done += bytesRead;
  }
  return buffer;
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
  const file = await open(path, 'r');
  try {
    if (size <= config.part_size) {
      const body = await readRange(file, 0, size);
      await withRetry({ ...t.attempt, what: `PUT ${key}` }, () =>
        client.send(new sdk.PutObjectCommand({ ...common, Body: body, ContentLength: size, ...contentMd5(config, body) }), {
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
      const parts = await uploadParts(t, file, key, uploadId, size, partSize);
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
          t.attempt.logger.error(
            { key, error: String(abortError) },
            'could not abort the multipart upload; a lifecycle rule must clean it',
          ),
        );
      throw error;
    }
  } finally {
    await file.close();
  }
}

async function uploadParts(
  t: UploadTarget,
  file: FileHandle,
  key: string,
  uploadId: string,
  size: number,
  partSize: number,
): Promise<{ PartNumber: number; ETag: string }[]> {
  const count = Math.ceil(size / partSize);
  const parts = new Array<{ PartNumber: number; ETag: string }>(count);
  const workers = Math.max(1, Math.min(MAX_IN_FLIGHT, Math.floor(IN_FLIGHT_BYTES / partSize), count));
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < count) {
      const index = next++;
      const offset = index * partSize;
      const body = await readRange(file, offset, Math.min(partSize, size - offset));
      const number = index + 1;
      const answer = await withRetry({ ...t.attempt, what: `PUT ${key} part ${number} of ${count}` }, () =>
        t.client.send(
          new t.sdk.UploadPartCommand({
            Bucket: t.config.bucket,
            Key: key,
            UploadId: uploadId,
            PartNumber: number,
            Body: body,
            ContentLength: body.length,
            ...contentMd5(t.config, body),
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
  const settled = await Promise.allSettled(Array.from({ length: workers }, worker));
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) throw failure.reason;
  return parts;
}
