import { InvalidInputError } from '@rstar-fleet/protocol';
import { parseDemoOptions } from './demo-options';

describe('parseDemoOptions', () => {
  it('fills the documented defaults', () => {
    expect(parseDemoOptions({})).toEqual({ problems: 300, rounds: 4, seed: 1, out: 'runs' });
  });

  it('names the offending flag', () => {
    expect(() => parseDemoOptions({ problems: 0 })).toThrow(InvalidInputError);
    expect(() => parseDemoOptions({ problems: 0 })).toThrow(/field --problems/);
    expect(() => parseDemoOptions({ rounds: 5 })).toThrow(/field --rounds/);
    expect(() => parseDemoOptions({ seed: Number('x') })).toThrow(/field --seed/);
  });
});
