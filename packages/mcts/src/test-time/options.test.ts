import { InvalidInputError } from '@rstar-fleet/protocol';
import { compileTestTimeOptions, TEST_TIME_MODES, type CompiledTestTimeOptions } from './options';

/** What an eval manifest stores and a worker reads back: the compiled form through JSON. */
const throughJson = (o: CompiledTestTimeOptions): CompiledTestTimeOptions =>
  JSON.parse(JSON.stringify(o)) as CompiledTestTimeOptions;

describe('compileTestTimeOptions of an already compiled form', () => {
  it.each(TEST_TIME_MODES)('%s: compiles to an equal object, adding nothing', (mode) => {
    const compiled = compileTestTimeOptions({
      mode,
      runs: 6,
      seed: 40,
      concurrentRuns: 2,
      mcts: { candidates: 4, rollouts: 3, c: 1.5, unvisited: 'infinite' },
      beam: { candidates: 3, beamWidth: 2, maxExpansions: 20 },
      solutionMaxDepth: 9,
      selection: { topK: 3, vote: 'weighted' },
      protocol: { stepEnd: '<eos>' },
    });
    expect(compileTestTimeOptions(compiled)).toEqual(compiled);
    expect(compileTestTimeOptions(throughJson(compiled))).toEqual(compiled);
    const defaults = compileTestTimeOptions({ mode });
    expect(compileTestTimeOptions(throughJson(defaults))).toEqual(defaults);
  });

  it('refuses a "compiled" form that its settings do not compile to, naming the field', () => {
    const compiled = throughJson(compileTestTimeOptions({ mode: 'maj', runs: 4 }));
    const forged = { ...compiled, solution: { ...compiled.solution, candidates: 3 } };
    expect(() => compileTestTimeOptions(forged)).toThrow(InvalidInputError);
    expect(() => compileTestTimeOptions(forged, 'modes.0.options')).toThrow(
      /modes\.0\.options\.solution\.candidates/,
    );
    const wrongQ = { ...compiled, mcts: { ...compiled.mcts, qRule: 'terminal' } };
    expect(() => compileTestTimeOptions(wrongQ as CompiledTestTimeOptions)).toThrow(
      /testTime\.mcts\.qRule/,
    );
    const noMcts = { ...compiled, mcts: null } as unknown as CompiledTestTimeOptions;
    expect(() => compileTestTimeOptions(noMcts)).toThrow(/testTime\.mcts/);
    const unknown = { ...compiled, extra: 1 } as unknown as CompiledTestTimeOptions;
    expect(() => compileTestTimeOptions(unknown)).toThrow(/testTime\.extra/);
  });
});
