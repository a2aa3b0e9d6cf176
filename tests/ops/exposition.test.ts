// The exposition format on its own: label escaping that promtool accepts, and reading back what we wrote.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSamples, renderFamilies } from '../../src/metrics/exposition.js';
import { readPreviousValues } from '../../src/metrics/index.js';
import { requireBinaries } from '../helpers/binaries.js';
import { tmpDir } from '../helpers/tmp.js';
import { promtool, promtoolCheck } from './fixtures.js';

const awkward = 'a "quoted" back\\slash\nnew line';

describe('exposition format', () => {
  const text = renderFamilies([
    {
      name: 'snapshotter_target_success',
      help: 'help with a back\\slash\nand a newline',
      samples: [{ labels: { target: awkward, type: 'x' }, value: 1 }],
    },
    { name: 'snapshotter_target_size_bytes', help: 'sizes', samples: [{ labels: { target: 't', type: 'x' }, value: 1.5e21 }] },
    { name: 'snapshotter_empty', help: 'no samples: no HELP/TYPE either', samples: [] },
  ]);

  it('escapes label values and help text', () => {
    expect(text).toContain('snapshotter_target_success{target="a \\"quoted\\" back\\\\slash\\nnew line",type="x"} 1\n');
    expect(text).toContain('# HELP snapshotter_target_success help with a back\\\\slash\\nand a newline\n');
    expect(text).not.toContain('snapshotter_empty');
  });

  it('reads back what it wrote, label values included', async () => {
    expect(parseSamples(text)).toEqual([
      { name: 'snapshotter_target_success', labels: { target: awkward, type: 'x' }, value: 1 },
      { name: 'snapshotter_target_size_bytes', labels: { target: 't', type: 'x' }, value: 1.5e21 },
    ]);
    const file = join(tmpDir(), 'm.prom');
    writeFileSync(file, text + 'garbage line {\nsnapshotter_target_backups{target="t"} NaN\n');
    const previous = await readPreviousValues(file);
    expect(previous.get(awkward)).toEqual({ snapshotter_target_success: 1 });
    expect(previous.get('t')?.snapshotter_target_size_bytes).toBe(1.5e21);
    expect(Number.isNaN(previous.get('t')?.snapshotter_target_backups)).toBe(true);
    expect(await readPreviousValues(join(tmpDir(), 'absent.prom'))).toEqual(new Map());
  });

  it.runIf(requireBinaries('exposition format checked by promtool', { promtool }))('is accepted by promtool', async () => {
    const file = join(tmpDir(), 'm.prom');
    writeFileSync(file, text);
    expect(await promtoolCheck(file)).toEqual({ exitCode: 0, output: '' });
  });
});
