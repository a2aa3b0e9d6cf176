// Shared by the remote tests: a config writer, a source folder of random bytes, and an independent S3 reader
// (the official SDK pointed straight at s3rver, not our code).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { randomFile } from '../helpers/files.js';
import { ACCESS_KEY_ID, BUCKET } from './s3-harness.js';

export const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCY-test-secret';

export interface RemoteYaml {
  name?: string;
  endpoint: string;
  prefix: string;
  bucket?: string;
  timeout?: string;
  extra?: string;
}

/** A source folder with one random file of `mib` MiB (incompressible: the archive is about that size). */
export function sourceDir(dir: string, mib: number): string {
  const src = join(dir, 'src');
  mkdirSync(src, { recursive: true });
  randomFile(join(src, 'data.bin'), mib);
  return src;
}

export function remoteYaml(r: RemoteYaml): string {
  return `  - name: ${r.name ?? 'offsite'}
    type: s3
    endpoint: ${r.endpoint}
    bucket: ${r.bucket ?? BUCKET}
    prefix: ${r.prefix}
    access_key_id: \${S3_KEY_ID}
    secret_access_key_file: ${'${SECRET_FILE}'}
    force_path_style: true
    part_size: 5m
    request_timeout: ${r.timeout ?? '30s'}
${r.extra ?? ''}`;
}

/** Writes snapshotter.yaml (mode 0600) and the secret file; returns the config path and the env to run with. */
export function writeConfig(dir: string, body: string): { file: string; env: Record<string, string> } {
  const secretFile = join(dir, 'secret');
  writeFileSync(secretFile, SECRET + '\n', { mode: 0o600 });
  const file = join(dir, 'snapshotter.yaml');
  writeFileSync(file, body, { mode: 0o600 });
  return { file, env: { S3_KEY_ID: ACCESS_KEY_ID, SECRET_FILE: secretFile } };
}

export function reader(endpoint: string): S3Client {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: 'x' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function keys(s3: S3Client, prefix: string): Promise<string[]> {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }));
  return (out.Contents ?? []).map((o) => o.Key!).sort();
}

export async function getBytes(s3: S3Client, key: string): Promise<Buffer> {
  const out = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

export async function sha256Meta(s3: S3Client, key: string): Promise<string | undefined> {
  return (await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).Metadata?.sha256;
}

export async function putObject(s3: S3Client, key: string, body: string | Buffer): Promise<void> {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

export interface FilesConfig {
  dir: string;
  /** The folder target `files` backs up. */
  src: string;
  hostname?: string;
  /** Top-level YAML before `targets:` (log, metrics, notifications). */
  top?: string;
  /** More keys of target `files` (4-space indented lines). */
  target?: string;
  /** The remote `offsite` every target copies to. */
  remote: RemoteYaml;
}

/** A config with one filesystem target `files` copied to the remote `offsite`; see writeConfig. */
export function filesConfig(c: FilesConfig): { file: string; env: Record<string, string> } {
  return writeConfig(
    c.dir,
    `backup_dir: ${c.dir}/backups
hostname: ${c.hostname ?? 'h1'}
${c.top ?? ''}targets:
  - name: files
    type: filesystem
    paths: [${c.src}]
${c.target ?? ''}remotes:
${remoteYaml(c.remote)}defaults:
  remotes: [offsite]
`,
  );
}
