import { InvalidInputError } from '@rstar-fleet/protocol';
import { parseDemoOptions } from './demo-options';

describe('parseDemoOptions', () => {
  it('fills the documented defaults', () => {
    expect(parseDemoOptions({})).toEqual({
      problems: 200,
      rollouts: 16,
      candidates: 8,
      parallel: 16,
      skill: 0.45,
      seed: 0,
      out: 'runs',
    });
  });

  it('names the offending flag', () => {
    expect(() => parseDemoOptions({ problems: 0 })).toThrow(InvalidInputError);
    expect(() => parseDemoOptions({ problems: 0 })).toThrow(/field --problems/);
    expect(() => parseDemoOptions({ skill: 1.5 })).toThrow(/field --skill/);
    expect(() => parseDemoOptions({ rollouts: Number('x') })).toThrow(/field --rollouts/);
  });
});
