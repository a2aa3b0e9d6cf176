// The chain every cloud test talks through: client → recorder → Prism (the official spec, cut to the paths we
// call) → stateful fake. One start and one stop for all three.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { specPath, startPrism, startRecorder, type Recorder } from './prism.js';
import { writeSpecSubset } from '../../helpers/spec-subset.js';

export interface ValidatedApi {
  recorder: Recorder;
  stop(): Promise<void>;
}

export async function startValidatedApi(fakeUrl: string, specFile: string, paths: readonly string[]): Promise<ValidatedApi> {
  const specDir = mkdtempSync(join(tmpdir(), 'snapshotter-spec-'));
  const prism = await startPrism(writeSpecSubset(specPath(specFile), paths, specDir, specFile), fakeUrl);
  const recorder = await startRecorder(prism.url);
  return {
    recorder,
    stop: async () => {
      await recorder.stop();
      await prism.stop();
      rmSync(specDir, { recursive: true, force: true });
    },
  };
}
