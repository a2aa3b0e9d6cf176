// The target contract for filesystem targets (tests/conformance/contract.ts).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { mainInProcess } from '../helpers/in-process.js';
import { conformance } from './contract.js';

conformance({
  type: 'filesystem',
  optOut: {
    timeout:
      'it reads files in this process (no child to stop); its abort at a timeout is tested in tests/spine/run-behaviour.test.ts',
    secrets: 'it declares no secret keys',
  },
  start(dir) {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'Grüße 日本語\n');
    writeFileSync(join(src, 'sub', 'b.bin'), Buffer.from([0, 1, 2, 255]));
    return Promise.resolve({
      good: `paths: [${src}]`,
      broken: `paths: [${join(dir, 'missing')}]`,
      async roundTrip(archive, to) {
        const restored = await mainInProcess(['restore', archive, '--to', to]);
        expect(restored.exitCode, restored.stderr).toBe(0);
        const back = join(to, src);
        expect(readFileSync(join(back, 'a.txt'), 'utf8')).toBe('Grüße 日本語\n');
        expect(readFileSync(join(back, 'sub', 'b.bin'))).toEqual(Buffer.from([0, 1, 2, 255]));
      },
    });
  },
});
