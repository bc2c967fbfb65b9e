import { createRng, synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT, type Checkpoint } from './checkpoint';
import { ppmRawScore, ppmValue } from './ppm';
import { flawedStepText } from './flaws';
import { recoverPrompt, splitSteps } from './recover';

const protocol = compileStepProtocol();
const withNoise = (noise: number): Checkpoint => ({
  ...DEFAULT_CHECKPOINT,
  ppm: { noise, flawSight: 0 },
});

/** Prefixes of canonical solutions (on path) and the same with the last step's value broken. */
function prefixes(): { prefix: string; onPath: boolean }[] {
  const out: { prefix: string; onPath: boolean }[] = [];
  for (let i = 0; i < 60; i++) {
    const record = synthRecord(9, i);
    const head = renderPrompt(protocol, record.problem);
    let done = '';
    for (const step of splitSteps(record.solution, protocol).slice(0, record.difficulty)) {
      out.push({ prefix: head + done + step, onPath: true });
      out.push({ prefix: head + done + step.replace(/^(v\d+ = .*)$/m, '$1 + 50'), onPath: false });
      done += step;
    }
  }
  return out;
}

describe('simulated PPM', () => {
  const cases = prefixes();
  const errors = (noise: number): number =>
    cases.filter((c) => ppmValue(c.prefix, withNoise(noise), protocol) > 0 !== c.onPath).length;

  it('without noise ranks every prefix by the truth', () => {
    expect(errors(0)).toBe(0);
  });

  it('errs more the more noise the checkpoint has, and errs only where a noisier one errs', () => {
    const low = errors(0.3);
    const high = errors(1.5);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(low * 2);
    for (const c of cases) {
      const wrongLow = ppmValue(c.prefix, withNoise(0.3), protocol) > 0 !== c.onPath;
      const wrongHigh = ppmValue(c.prefix, withNoise(1.5), protocol) > 0 !== c.onPath;
      if (wrongLow) expect(wrongHigh).toBe(true);
    }
  });

  it('is deterministic per prefix and returns a raw score the client maps back with tanh(x/5)', () => {
    const { prefix } = cases[3]!;
    const raw = ppmRawScore(prefix, DEFAULT_CHECKPOINT, protocol);
    expect(ppmRawScore(prefix, DEFAULT_CHECKPOINT, protocol)).toBe(raw);
    expect(Math.tanh(raw / 5)).toBeCloseTo(ppmValue(prefix, DEFAULT_CHECKPOINT, protocol), 10);
    expect(ppmRawScore('not a synthetic prompt', DEFAULT_CHECKPOINT, protocol)).toBe(0);
  });

  it('scores a lucky flaw as sound without flaw sight and as off the path with full sight', () => {
    const record = synthRecord(9, 1);
    const head = renderPrompt(protocol, record.problem);
    const found = recoverPrompt(head, protocol);
    const op = found?.problem.ops[0];
    if (found === null || op === undefined) throw new Error('not recovered');
    const prefix = head + flawedStepText(found, 1, op, 0, true, createRng(4)) + protocol.stepEnd;
    const sight = (flawSight: number): number =>
      ppmValue(prefix, { ...DEFAULT_CHECKPOINT, ppm: { noise: 0, flawSight } }, protocol);
    expect(sight(0)).toBeGreaterThan(0);
    expect(sight(1)).toBeCloseTo(-sight(0), 10);
    expect(sight(0.5)).toBeCloseTo(0, 10);
  });
});
