import { compileTestTimeOptions, TEST_TIME_MODES, type TestTimeOptions } from './options';
import { testTimeOptionsInput } from './options-input';

describe('testTimeOptionsInput', () => {
  it.each(TEST_TIME_MODES)('compiles back to the same options (%s)', (mode) => {
    const compiled = compileTestTimeOptions({
      mode,
      runs: 6,
      seed: 7,
      mcts: { candidates: 3, rollouts: 5, errorsThreshold: 2 },
      beam: { beamWidth: 2 },
      selection: { vote: 'weighted' },
    });
    const input = testTimeOptionsInput(compiled);
    expect(compileTestTimeOptions(JSON.parse(JSON.stringify(input)) as TestTimeOptions)).toEqual(
      compiled,
    );
  });

  it('spells out every setting, so a changed default cannot change it', () => {
    const input = testTimeOptionsInput(compileTestTimeOptions({ mode: 'system2' }));
    expect(input.mcts).toEqual({
      candidates: 32,
      rollouts: 12,
      maxDepth: 16,
      c: 2,
      unvisited: 'zero',
      concurrency: 1,
      collapseAnswers: true,
      errorsThreshold: 1,
    });
    expect(input.runs).toBe(64);
  });
});
