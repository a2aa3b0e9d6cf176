// The `type: s3` remote: a RemoteStore over the official SDK (loaded when the first store opens).
import type { Readable } from 'node:stream';
import type { StoreContext, RemoteStore, RemoteObject, HeadInfo, DeleteOutcome, PendingUpload } from '../types.js';
import { createClient, describeRemote, loadSdk, withRetry } from './client.js';
import { errorCode, httpStatus } from './errors.js';
import type { S3Remote } from './schema.js';
import { contentMd5, objectOptions, uploadFile } from './upload.js';

export { loadSdk };

const LOCKED_CODES = new Set(['AccessDenied', 'InvalidRequest', 'ObjectLocked']);

export async function openS3Store(config: S3Remote, ctx: StoreContext): Promise<RemoteStore> {
  const sdk = await loadSdk();
  const client = createClient(sdk, config);
  const where = describeRemote(config);
  const base = { logger: ctx.logger, signal: ctx.signal, where, bucket: config.bucket };
  const opts = { abortSignal: ctx.signal };
  const Bucket = config.bucket;
  return {
    where,
    prefix: config.prefix,
    async list(prefix: string): Promise<RemoteObject[]> {
      const objects: RemoteObject[] = [];
      let token: string | undefined;
      do {
        const page = await withRetry({ ...base, what: `list ${prefix}` }, () =>
          client.send(new sdk.ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken: token }), opts),
        );
        for (const o of page.Contents ?? []) if (o.Key) objects.push({ key: o.Key, size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return objects;
    },
    async head(key: string): Promise<HeadInfo | undefined> {
      try {
        const answer = await withRetry({ ...base, what: `HEAD ${key}` }, () =>
          client.send(new sdk.HeadObjectCommand({ Bucket, Key: key }), opts),
        );
        return { size: answer.ContentLength ?? 0, sha256: answer.Metadata?.sha256 };
      } catch (error) {
        if (httpStatus((error as Error).cause) === 404) return undefined;
        throw error;
      }
    },
    putFile: (key, path, size, sha256) => uploadFile({ sdk, client, config, attempt: base }, key, path, size, sha256),
    async putText(key: string, text: string): Promise<void> {
      const body = Buffer.from(text, 'utf8');
      const md5 = await contentMd5(config, () => [body]);
      await withRetry({ ...base, what: `PUT ${key}` }, () =>
        client.send(
          new sdk.PutObjectCommand({
            Bucket,
            Key: key,
            Body: body,
            ContentLength: body.length,
            ...md5,
            ContentType: key.endsWith('.json') ? 'application/json' : 'text/plain; charset=utf-8',
            ...objectOptions(config, new Date()),
          }),
          opts,
        ),
      );
    },
    async get(key: string): Promise<Readable> {
      const answer = await withRetry({ ...base, what: `GET ${key}` }, () =>
        client.send(new sdk.GetObjectCommand({ Bucket, Key: key }), opts),
      );
      return answer.Body as Readable;
    },
    async delete(key: string): Promise<DeleteOutcome> {
      try {
        await withRetry({ ...base, what: `DELETE ${key}` }, () =>
          client.send(new sdk.DeleteObjectCommand({ Bucket, Key: key }), opts),
        );
        return 'deleted';
      } catch (error) {
        const code = errorCode((error as Error).cause);
        if (config.object_lock && code && LOCKED_CODES.has(code)) return 'locked';
        throw error;
      }
    },
    async listUploads(prefix: string): Promise<PendingUpload[]> {
      const uploads: PendingUpload[] = [];
      let marker: { KeyMarker?: string; UploadIdMarker?: string } = {};
      for (;;) {
        const page = await withRetry({ ...base, what: `list multipart uploads under ${prefix}` }, () =>
          client.send(new sdk.ListMultipartUploadsCommand({ Bucket, Prefix: prefix, ...marker }), opts),
        ).catch((error: unknown) => {
          if (errorCode((error as Error).cause) !== 'NotImplemented') throw error;
          ctx.logger.warn({ prefix }, 'the service cannot list multipart uploads; a lifecycle rule must clean interrupted ones');
          return { Uploads: [], IsTruncated: false, NextKeyMarker: undefined, NextUploadIdMarker: undefined };
        });
        for (const u of page.Uploads ?? [])
          if (u.Key && u.UploadId) uploads.push({ key: u.Key, uploadId: u.UploadId, initiated: u.Initiated ?? new Date(0) });
        if (!page.IsTruncated) return uploads;
        marker = { KeyMarker: page.NextKeyMarker, UploadIdMarker: page.NextUploadIdMarker };
      }
    },
    async abortUpload(key: string, uploadId: string): Promise<void> {
      await withRetry({ ...base, what: `abort multipart upload of ${key}` }, () =>
        client.send(new sdk.AbortMultipartUploadCommand({ Bucket, Key: key, UploadId: uploadId }), opts),
      );
    },
    close: () => client.destroy(),
  };
}
