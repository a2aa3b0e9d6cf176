// An ArchiveWriter for tests that write backups directly: test defaults, and only what a test cares about set.
import { ArchiveWriter, type ArchiveWriterOptions } from '../../src/archive/sink.js';

export function testWriter(dir: string, options: Partial<ArchiveWriterOptions> = {}): ArchiveWriter {
  return new ArchiveWriter({
    dir,
    target: 'files',
    type: 'filesystem',
    hostname: 'test-host',
    toolName: 'snapshotter',
    toolVersion: '0.0.0',
    compressionLevel: 6,
    verifyAfterWrite: true,
    now: () => new Date(),
    redact: (text) => text,
    signal: new AbortController().signal,
    ...options,
  });
}
