import { createRng, runMiniPython, runPythonBatch, synthRecord, TAGS } from '@rstar-fleet/corpus';
import {
  compileStepProtocol,
  cumulativeProgram,
  DEFAULT_STEP_PROTOCOL,
  outputBlock,
  parseStep,
  renderPrompt,
} from '@rstar-fleet/mcts';
import { DEFAULT_CHECKPOINT, type Checkpoint } from './checkpoint';
import { generate } from './generate';

const protocol = compileStepProtocol();
// A clumsy checkpoint so that every kind of mistake shows up often.
const clumsy: Checkpoint = {
  ...DEFAULT_CHECKPOINT,
  policy: {
    ...DEFAULT_CHECKPOINT.policy,
    competence: Object.fromEntries(
      Object.keys(DEFAULT_CHECKPOINT.policy.competence).map((k) => [k, 0.5]),
    ) as Checkpoint['policy']['competence'],
  },
};

describe('emitted steps', () => {
  it('use the default protocol tags', () => {
    expect(TAGS.codeStart).toBe(DEFAULT_STEP_PROTOCOL.codeStart);
    expect(TAGS.stepEnd).toBe(DEFAULT_STEP_PROTOCOL.stepEnd);
    expect(TAGS.codeEnd).toBe(DEFAULT_STEP_PROTOCOL.codeEnd);
    expect(TAGS.outputStart).toBe(DEFAULT_STEP_PROTOCOL.outputStart);
    expect(TAGS.outputEnd).toBe(DEFAULT_STEP_PROTOCOL.outputEnd);
    expect(TAGS.answerEnd).toBe(DEFAULT_STEP_PROTOCOL.answerEnd);
  });

  it('all parse under the step protocol, and every program runs under plain Python as the simulator says', () => {
    const programs: string[] = [];
    const walk = createRng(99);
    const kinds = new Map<string, number>();
    for (let p = 0; p < 120; p++) {
      const head = renderPrompt(protocol, synthRecord(21, p).problem);
      let steps = '';
      let block: string[] = [];
      for (let depth = 0; depth < 16; depth++) {
        const choices = generate(
          {
            prompt: head + steps,
            n: 6,
            maxTokens: 200,
            temperature: 1,
            seed: p * 100 + depth,
            stop: protocol.stops,
            includeStopInOutput: false,
          },
          clumsy,
          protocol,
        );
        const live: { text: string; closes: boolean; block: string[] }[] = [];
        for (const choice of choices) {
          const step = parseStep(
            { text: choice.text, stop: choice.stopReason, finishReason: choice.finishReason },
            protocol,
          );
          kinds.set(step.kind, (kinds.get(step.kind) ?? 0) + 1);
          if (step.kind === 'invalid') {
            expect(choice.mistake).toBe('overlong');
            expect(step.reason).toBe('truncated');
            continue;
          }
          if (step.kind === 'answer') continue;
          const program = cumulativeProgram([...block, step.text], protocol);
          programs.push(program);
          const run = runMiniPython(program);
          if (run.status !== 'ok') continue;
          const closes = step.kind === 'code-close';
          const text = closes ? step.text + outputBlock(run.stdout, protocol) : step.text;
          live.push({ text, closes, block: closes ? [] : [...block, step.text] });
        }
        if (live.length === 0) break;
        const next = walk.pick(live);
        steps += next.text;
        block = next.block;
      }
    }
    expect(kinds.get('code')).toBeGreaterThan(100);
    expect(kinds.get('code-close')).toBeGreaterThan(20);
    expect(kinds.get('answer')).toBeGreaterThan(20);
    expect(kinds.get('invalid')).toBeGreaterThan(5);
    const python = runPythonBatch(programs);
    let failures = 0;
    programs.forEach((program, i) => {
      const mini = runMiniPython(program);
      expect(mini.status).not.toBe('unsupported');
      expect({ ok: mini.status === 'ok', stdout: mini.stdout }).toEqual({
        ok: python[i]?.ok,
        stdout: python[i]?.stdout,
      });
      if (mini.status !== 'ok') failures += 1;
    });
    // Code that raises is one of the simulated mistakes: it must really raise under Python.
    expect(failures).toBeGreaterThan(10);
  });
});
