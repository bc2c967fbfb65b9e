import { InvalidInputError } from '@rstar-fleet/protocol';
import {
  DEFAULT_DEMO_EVAL_PROBLEMS,
  DEFAULT_DEMO_PROBLEMS,
  parseDemoOptions,
} from './demo-options';

describe('parseDemoOptions', () => {
  it('fills the documented defaults', () => {
    expect(parseDemoOptions({})).toEqual({
      problems: DEFAULT_DEMO_PROBLEMS,
      evalProblems: DEFAULT_DEMO_EVAL_PROBLEMS,
      rounds: 4,
      workers: 2,
      seed: 1,
      out: '.',
    });
  });

  it('names the offending flag', () => {
    expect(() => parseDemoOptions({ problems: 0 })).toThrow(InvalidInputError);
    expect(() => parseDemoOptions({ problems: 0 })).toThrow(/field --problems/);
    expect(() => parseDemoOptions({ rounds: 5 })).toThrow(/field --rounds/);
    expect(() => parseDemoOptions({ workers: 0 })).toThrow(/field --workers/);
    expect(() => parseDemoOptions({ seed: Number('x') })).toThrow(/field --seed/);
    expect(() => parseDemoOptions({ evalProblems: -1 })).toThrow(/field --eval-problems/);
  });
});
