import { EVAL_MANIFEST_VERSION, type EvalManifest } from '@rstar-fleet/protocol';
import { compileTestTimeOptions, type TestTimeMode, type TestTimeOptions } from '../test-time';

/** A mode of a hand-built evaluation: its runs and any test-time option a test sets. */
export type TestEvalMode = TestTimeOptions & { mode: TestTimeMode; runs: number };

/**
 * An evaluation manifest built by hand as buildEvalManifest (orchestration) writes eval.json:
 * each mode's test-time options compiled with the manifest's seed and stored as JSON, which is
 * how the worker reads them back. For tests of what reads an evaluation (workers, reports).
 */
export function testEvalManifest(
  fields: Omit<EvalManifest, 'v' | 'modes'>,
  modes: readonly TestEvalMode[],
): EvalManifest {
  return {
    v: EVAL_MANIFEST_VERSION,
    ...fields,
    modes: modes.map((m) => {
      const options = compileTestTimeOptions({ ...m, seed: fields.seed });
      return {
        mode: m.mode,
        runs: options.runs,
        options: JSON.parse(JSON.stringify(options)) as Record<string, unknown>,
      };
    }),
  };
}
