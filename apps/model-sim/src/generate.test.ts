import { synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT, type Checkpoint } from './checkpoint';
import { generate, type GenerateRequest } from './generate';

const protocol = compileStepProtocol();
const prompt = renderPrompt(protocol, synthRecord(2, 0).problem);
const request = (over: Partial<GenerateRequest> = {}): GenerateRequest => ({
  prompt,
  n: 8,
  maxTokens: 512,
  temperature: 1,
  seed: 7,
  stop: protocol.stops,
  includeStopInOutput: false,
  ...over,
});

const withCompetence = (p: number): Checkpoint => ({
  ...DEFAULT_CHECKPOINT,
  policy: {
    ...DEFAULT_CHECKPOINT.policy,
    depthPenalty: 0,
    competence: Object.fromEntries(
      Object.keys(DEFAULT_CHECKPOINT.policy.competence).map((k) => [k, p]),
    ) as Checkpoint['policy']['competence'],
  },
});

describe('simulated completions', () => {
  it('are reproducible for a seed and differ across seeds and choices', () => {
    const a = generate(request(), DEFAULT_CHECKPOINT, protocol);
    expect(generate(request(), DEFAULT_CHECKPOINT, protocol)).toEqual(a);
    expect(generate(request({ seed: 8 }), DEFAULT_CHECKPOINT, protocol)).not.toEqual(a);
    expect(new Set(a.map((c) => c.text)).size).toBeGreaterThan(1);
  });

  it('strip the matched stop string unless asked, and report it in stop_reason', () => {
    const [plain] = generate(request({ n: 1, temperature: 0 }), DEFAULT_CHECKPOINT, protocol);
    expect(plain).toMatchObject({ finishReason: 'stop', stopReason: '<end_of_step>' });
    expect(plain?.text.endsWith('<end_of_step>')).toBe(false);
    const [kept] = generate(
      request({ n: 1, temperature: 0, includeStopInOutput: true }),
      DEFAULT_CHECKPOINT,
      protocol,
    );
    expect(kept?.text).toBe(`${plain?.text}<end_of_step>`);
    const [eos] = generate(
      request({ n: 1, temperature: 0, stop: [] }),
      DEFAULT_CHECKPOINT,
      protocol,
    );
    expect(eos).toMatchObject({ stopReason: null, finishReason: 'stop' });
    expect(eos?.text).toBe(`${plain?.text}<end_of_step>`);
    const [early] = generate(
      request({ n: 1, temperature: 0, stop: ['Fraction'] }),
      DEFAULT_CHECKPOINT,
      protocol,
    );
    expect(early?.stopReason).toBe('Fraction');
    expect(early?.text).toBe('\n<code>\nfrom fractions import ');
  });

  it('cut steps longer than max_tokens with finish_reason length', () => {
    const cut = generate(request({ n: 4, maxTokens: 5 }), DEFAULT_CHECKPOINT, protocol);
    for (const c of cut) {
      expect(c).toMatchObject({ finishReason: 'length', stopReason: null, completionTokens: 5 });
      expect(c.text).toHaveLength(20);
    }
  });

  it('are correct with the checkpoint competence, mistakes otherwise', () => {
    const count = (p: number): number =>
      generate(request({ n: 400 }), withCompetence(p), protocol).filter((c) => c.mistake === null)
        .length;
    expect(count(1)).toBe(400);
    expect(count(0)).toBe(0);
    expect(Math.abs(count(0.7) - 280)).toBeLessThan(40);
    const mistakes = new Set(
      generate(request({ n: 400 }), withCompetence(0), protocol).map((c) => c.mistake),
    );
    expect([...mistakes].sort()).toEqual([
      'flawed',
      'overlong',
      'prematureAnswer',
      'raises',
      'wrongConstant',
    ]);
  });

  it('are greedy at temperature 0', () => {
    const choices = generate(request({ temperature: 0 }), DEFAULT_CHECKPOINT, protocol);
    expect(new Set(choices.map((c) => c.text)).size).toBe(1);
    expect(generate(request({ temperature: 0, seed: 9 }), DEFAULT_CHECKPOINT, protocol)).toEqual(
      choices,
    );
  });

  it('decode greedily to the correct step at a rate that rises with competence, step by step', () => {
    // The first step of 300 problems under a weak and a strong checkpoint: the argmax is right
    // about as often as the competence says, and every step the weak one gets right the strong
    // one gets right too (the draw is the prompt's, not the checkpoint's).
    const firstSteps = Array.from({ length: 300 }, (_, i) =>
      request({ prompt: renderPrompt(protocol, synthRecord(5, i).problem), n: 1, temperature: 0 }),
    );
    const right = (p: number): boolean[] =>
      firstSteps.map((r) => generate(r, withCompetence(p), protocol)[0]?.mistake === null);
    const weak = right(0.5);
    const strong = right(0.8);
    const share = (xs: boolean[]): number => xs.filter(Boolean).length / xs.length;
    expect(share(weak)).toBeGreaterThan(0.4);
    expect(share(weak)).toBeLessThan(0.6);
    expect(share(strong)).toBeGreaterThan(0.7);
    expect(share(strong)).toBeLessThan(0.9);
    expect(weak.every((ok, i) => !ok || strong[i] === true)).toBe(true);
  });

  it('answer prompts outside the family with a parseable, labelled answer', () => {
    const [c] = generate(request({ prompt: 'hello', n: 1 }), DEFAULT_CHECKPOINT, protocol);
    expect(c?.stopReason).toBe('<end_of_answer>');
    expect(c?.text).toContain('simulator');
  });
});
