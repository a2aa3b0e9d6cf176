// File order: the heaviest files start first, so that on two workers the longest file does not start last and
// run alone at the end. The weights (seconds of a whole-suite run, relative) are in tests/file-weights.json; a
// file not listed there runs after the listed ones, in vitest's own order. Regenerate the list from a run's
// per-file lines (docs/testing.md).
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const WEIGHTS = JSON.parse(readFileSync(new URL('./file-weights.json', import.meta.url), 'utf8')) as Record<string, number>;

export class HeaviestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const base = await super.sort(files);
    const weight = (spec: TestSpecification): number => WEIGHTS[relative(spec.project.config.root, spec.moduleId)] ?? 0;
    return base
      .map((spec, index) => ({ spec, index }))
      .sort((a, b) => weight(b.spec) - weight(a.spec) || a.index - b.index)
      .map(({ spec }) => spec);
  }
}
