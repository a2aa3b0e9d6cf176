// The age stage against Debian's `age` CLI as the independent reader and writer: every size around the 64 KiB
// chunk boundary round-trips both ways, identities made by age-keygen are read, and a wrong identity, a flipped
// byte or a cut-off file is refused.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAgeHeader } from '../../src/archive/age-header.js';
import { AgeDecrypt, readIdentityFile, type AgeIdentity } from '../../src/archive/decrypt.js';
import { writerIdentity } from '../../src/archive/encrypt-check.js';
import { ageEncryptStream } from '../../src/archive/encrypt.js';
import { findBinary, requireBinaries } from '../helpers/binaries.js';

const enabled = requireBinaries('age stream tests', { age: findBinary('age'), 'age-keygen': findBinary('age-keygen') });
const SIZES = [0, 1, 65_535, 65_536, 65_537, 131_072, 200_000];

async function collect(source: Buffer, stage: NodeJS.ReadWriteStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (parts.push(chunk), cb()) });
  // Odd-sized pieces, so chunk boundaries never line up with the input's.
  const pieces = Array.from({ length: Math.ceil(source.length / 7001) }, (_, i) => source.subarray(i * 7001, (i + 1) * 7001));
  await pipeline(Readable.from(pieces), stage, sink);
  return Buffer.concat(parts);
}

describe.skipIf(!enabled)('age stage (age-encryption.org/v1)', () => {
  let dir: string;
  let recipient: string;
  let identity: AgeIdentity;
  const keyFile = (): string => join(dir, 'key.txt');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snapshotter-age-'));
    execFileSync('age-keygen', ['-o', keyFile()], { stdio: 'ignore' });
    recipient = execFileSync('age-keygen', ['-y', keyFile()], { encoding: 'utf8' }).trim();
    identity = await readIdentityFile(keyFile());
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes files that age -d reads back byte for byte, at every size around a chunk', async () => {
    for (const size of SIZES) {
      const plain = randomBytes(size);
      const file = join(dir, `ours-${size}.age`);
      writeFileSync(file, await collect(plain, (await ageEncryptStream([recipient])).stream));
      expect((await readAgeHeader(file)).stanzas).toEqual(['X25519']);
      const back = execFileSync('age', ['-d', '-i', keyFile(), file], { maxBuffer: 1 << 24 });
      expect(back.equals(plain), `size ${size}`).toBe(true);
    }
  });

  it('reads files that age -e wrote, at every size around a chunk', async () => {
    for (const size of SIZES) {
      const plain = randomBytes(size);
      writeFileSync(join(dir, 'plain'), plain);
      const file = join(dir, `theirs-${size}.age`);
      execFileSync('age', ['-e', '-r', recipient, '-o', file, join(dir, 'plain')]);
      const back = await collect(readFileSync(file), new AgeDecrypt(identity));
      expect(back.equals(plain), `size ${size}`).toBe(true);
    }
  });

  it('refuses a wrong identity, a flipped byte, a cut-off file and one cut at a chunk boundary', async () => {
    const plain = randomBytes(150_000);
    const sealed = await collect(plain, (await ageEncryptStream([recipient])).stream);
    const other = join(dir, 'other.txt');
    execFileSync('age-keygen', ['-o', other], { stdio: 'ignore' });
    const decrypt = async (bytes: Buffer, who = identity): Promise<string> =>
      collect(bytes, new AgeDecrypt(who)).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    expect(await decrypt(sealed, await readIdentityFile(other))).toMatch(/^no identity matches this archive's recipients/);
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 70_000]! ^= 1;
    expect(await decrypt(flipped)).toMatch(/chunk 2 fails authentication/);
    expect(await decrypt(sealed.subarray(0, sealed.length - 100))).toMatch(/fails authentication/);
    expect(await decrypt(sealed.subarray(0, sealed.length - (150_000 - 131_072) - 16))).toMatch(/fails authentication/);
    expect(await decrypt(sealed.subarray(0, 120))).toMatch(/cut off/);
  });

  it("verify-after-write's own file key opens what it wrote, and refuses another file, a changed header or payload", async () => {
    const plain = randomBytes(150_000);
    const encryption = await ageEncryptStream([recipient]);
    const sealed = await collect(plain, encryption.stream);
    const own = await writerIdentity(encryption.fileKey);
    const open = (bytes: Buffer): Promise<string> =>
      collect(bytes, new AgeDecrypt(own)).then(
        (back) => (back.equals(plain) ? 'same' : 'different'),
        (error: Error) => error.message,
      );
    expect(await open(sealed)).toBe('same');
    const other = await collect(plain, (await ageEncryptStream([recipient])).stream);
    expect(await open(other)).toMatch(/MAC does not match/);
    const header = Buffer.from(sealed);
    header[header.indexOf('X25519') + 'X25519 '.length]! ^= 1; // a recipient stanza, covered by the header MAC
    expect(await open(header)).toMatch(/MAC does not match/);
    const payload = Buffer.from(sealed);
    payload[payload.length - 70_000]! ^= 1;
    expect(await open(payload)).toMatch(/chunk 2 fails authentication/);
  });

  it('reads age-keygen identity files and never quotes a key in its errors', async () => {
    const key = readFileSync(keyFile(), 'utf8');
    expect(key).toMatch(/^# created: /);
    const secret = /AGE-SECRET-KEY-1\S+/.exec(key)![0];
    const broken = join(dir, 'broken.txt');
    writeFileSync(broken, `# a comment\n\n${secret.slice(0, -2)}xx\n`);
    const message = await readIdentityFile(broken).then(
      () => 'accepted',
      (error: Error) => error.message,
    );
    expect(message).toBe(`${broken} line 3: not an age X25519 identity (AGE-SECRET-KEY-1…, as age-keygen writes)`);
    expect(JSON.stringify({ identity })).not.toContain('AGE-SECRET-KEY');
  });
});
