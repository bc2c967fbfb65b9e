import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { auditDatasets, type PairExample, type SftExample } from './audit';
import { COMPETENCE_KEYS, DEFAULT_CHECKPOINT, type Checkpoint } from './checkpoint';
import { splitSteps } from './recover';
import { trainCheckpoint } from './train';

const protocol = compileStepProtocol();
// Generous coverage scales, so a few hundred rows count as plentiful whatever the calibration.
const base: Checkpoint = {
  ...DEFAULT_CHECKPOINT,
  ppm: { noise: 1 },
  training: { ...DEFAULT_CHECKPOINT.training, sftScale: 0.1, ppmScale: 0.2 },
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
    const wrong = steps.map((s, j) => (j === 0 && corrupt && i % 2 === 0 ? breakStep(s) : s));
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
    for (const key of COMPETENCE_KEYS) {
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
  it('counts truly correct SFT steps and truly better pairs on a hand-built set', () => {
    const record = synthRecord(32, 0);
    const prompt = renderPrompt(protocol, record.problem);
    const steps = splitSteps(record.solution, protocol);
    const total = steps.length;
    const brokenSecond = steps.map((s, j) => (j === 1 ? breakStep(s) : s)).join('');
    const sft: SftExample[] = [
      { prompt, completion: record.solution },
      { prompt, completion: brokenSecond },
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
      rows: 3,
      unknownRows: 1,
      steps: 2 * total,
      // The broken row: its first step is right, everything from the second on is off the path.
      correctSteps: total + 1,
      correctRows: 1,
    });
    expect(report.problems).toBe(1);
    expect(report.pairs).toEqual({
      rows: 5,
      unknownRows: 1,
      chosenBetter: 2,
      rejectedBetter: 1,
      undecided: 1,
    });
  });
});
