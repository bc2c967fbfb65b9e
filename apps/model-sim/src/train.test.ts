import { createRng, synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { auditDatasets, type PairExample, type SftExample } from './audit';
import { COMPETENCE_KEYS, DEFAULT_CHECKPOINT, type Checkpoint } from './checkpoint';
import { flawedStepText } from './flaws';
import { recoverPrompt, splitSteps } from './recover';
import { trainCheckpoint } from './train';

const protocol = compileStepProtocol();
// Generous coverage scales, so a few hundred rows count as plentiful whatever the calibration.
const base: Checkpoint = {
  ...DEFAULT_CHECKPOINT,
  ppm: { noise: 1, flawSight: 0 },
  training: { ...DEFAULT_CHECKPOINT.training, sftScale: 0.1, ppmScale: 0.2, sightScale: 0.2 },
};

/** Breaks the value computed by a code step (a wrong constant). */
const breakStep = (step: string): string => step.replace(/^(v\d+ = .*)$/m, '$1 + 50');

function datasets(corrupt: boolean): { sft: SftExample[]; pairs: PairExample[] } {
  const sft: SftExample[] = [];
  const pairs: PairExample[] = [];
  for (let i = 0; i < 300; i++) {
    const record = synthRecord(31, i);
    const prompt = renderPrompt(protocol, record.problem);
    const steps = splitSteps(record.solution, protocol);
    const wrong = steps.map((s) => (corrupt && i % 2 === 0 ? breakStep(s) : s));
    sft.push({ prompt, completion: wrong.join('') });
    const at = i % record.difficulty;
    const shared = prompt + steps.slice(0, at).join('');
    const good = steps[at] ?? '';
    const bad = breakStep(good);
    const flip = corrupt && i % 4 !== 0;
    pairs.push({ prompt: shared, chosen: flip ? bad : good, rejected: flip ? good : bad });
  }
  return { sft, pairs };
}

describe('simulated training', () => {
  it('improves every skill and the PPM on clean, plentiful data', () => {
    const { sft, pairs } = datasets(false);
    const { checkpoint, audit } = trainCheckpoint(base, sft, pairs, protocol);
    expect(checkpoint.name).toBe('r1');
    expect(audit.sft.correctSteps).toBe(audit.sft.steps);
    for (const key of COMPETENCE_KEYS) {
      expect(checkpoint.policy.competence[key]).toBeGreaterThan(base.policy.competence[key]);
    }
    expect(checkpoint.ppm.noise).toBeLessThan(base.ppm.noise);
  });

  it('degrades on wrong SFT steps and mislabelled pairs', () => {
    const { sft, pairs } = datasets(true);
    const { checkpoint, audit } = trainCheckpoint(base, sft, pairs, protocol, { name: 'bad' });
    expect(checkpoint.name).toBe('bad');
    expect(audit.pairs.rejectedBetter).toBeGreaterThan(audit.pairs.chosenBetter);
    // Every code step of half the rows is broken; their print and answer steps copy what the
    // code printed, sound on their own, so `closing` is not degraded.
    for (const key of COMPETENCE_KEYS.filter((k) => k !== 'closing')) {
      expect(checkpoint.policy.competence[key]).toBeLessThan(base.policy.competence[key]);
    }
    expect(checkpoint.ppm.noise).toBeGreaterThan(base.ppm.noise);
  });

  it('leaves skills without data unchanged', () => {
    const { checkpoint } = trainCheckpoint(base, [], [], protocol);
    expect(checkpoint.policy).toEqual(base.policy);
    expect(checkpoint.ppm).toEqual(base.ppm);
  });
});

describe('audit', () => {
  it('counts sound SFT steps, lucky flaws and the pair sides on a hand-built set', () => {
    const record = synthRecord(32, 0);
    const prompt = renderPrompt(protocol, record.problem);
    const steps = splitSteps(record.solution, protocol);
    const total = steps.length;
    const brokenSecond = steps.map((s, j) => (j === 1 ? breakStep(s) : s)).join('');
    const found = recoverPrompt(prompt, protocol);
    const op = found?.problem.ops[0];
    if (found === null || op === undefined) throw new Error('not recovered');
    const luckyFirst =
      flawedStepText(found, 1, op, 0, true, createRng(3)) +
      protocol.stepEnd +
      steps.slice(1).join('');
    const sft: SftExample[] = [
      { prompt, completion: record.solution },
      { prompt, completion: brokenSecond },
      { prompt, completion: luckyFirst },
      { prompt: 'not a synthetic problem', completion: record.solution },
    ];
    const [s0 = '', s1 = ''] = steps;
    const pairs: PairExample[] = [
      { prompt, chosen: s0, rejected: breakStep(s0) },
      { prompt: prompt + s0, chosen: s1, rejected: breakStep(s1) },
      { prompt, chosen: breakStep(s0), rejected: s0 },
      { prompt, chosen: s0, rejected: s0.replace('# Step 1:', '# Step 1: so') },
      { prompt: 'unknown', chosen: 'a', rejected: 'b' },
    ];
    const report = auditDatasets(sft, pairs, protocol);
    expect(report.sft).toMatchObject({
      rows: 4,
      unknownRows: 1,
      steps: 3 * total,
      // Values: the broken row is right at its first step only; the lucky flaw keeps every value.
      correctSteps: total + 1 + total,
      // Sound, step by step: one broken step, one lucky flaw; the rest compute the right way.
      soundSteps: 3 * total - 2,
      soundRows: 1,
    });
    expect(report.problems).toBe(1);
    expect(report.pairs).toEqual({
      rows: 5,
      unknownRows: 1,
      chosenSound: 3,
      rejectedUnsound: 2,
      chosenBetter: 2,
      rejectedBetter: 1,
      undecided: 1,
      flawRanked: 3,
      flawChosenSound: 2,
    });
    expect(report.control).toBeNull();
    expect(auditDatasets(sft, pairs, protocol, { sft: [], pairs }).control?.pairs.rows).toBe(5);
  });
});

describe('PPM flaw sight', () => {
  /** A sound step against the same step written the wrong way, under a shared sound prefix. */
  function flawPairs(flip: boolean): PairExample[] {
    return Array.from({ length: 200 }, (_, i) => {
      const record = synthRecord(33, i);
      const prompt = renderPrompt(protocol, record.problem);
      const steps = splitSteps(record.solution, protocol);
      const at = i % record.difficulty;
      const good = steps[at] ?? '';
      const bad = breakStep(good);
      const shared = prompt + steps.slice(0, at).join('');
      return flip
        ? { prompt: shared, chosen: bad, rejected: good }
        : { prompt: shared, chosen: good, rejected: bad };
    });
  }

  it('is learnt from pairs that choose the sound step, and not from backwards ones', () => {
    expect(base.ppm.flawSight).toBe(0);
    const right = trainCheckpoint(base, [], flawPairs(false), protocol);
    expect(right.audit.pairs.flawRanked).toBe(200);
    expect(right.checkpoint.ppm.flawSight).toBeGreaterThan(0.5);
    const backwards = trainCheckpoint(right.checkpoint, [], flawPairs(true), protocol);
    expect(backwards.checkpoint.ppm.flawSight).toBeLessThan(right.checkpoint.ppm.flawSight / 2);
  });
});
