import {
  canonicalSolution,
  createRng,
  runMiniPython,
  runPythonBatch,
  synthRecord,
  variable,
  type SynthProblem,
} from '@rstar-fleet/corpus';
import { codeOfStep, compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { flawedStepText, deviatingSteps } from './flaws';
import { recoverPrompt, splitSteps } from './recover';
import { judgeSteps } from './truth';

const protocol = compileStepProtocol();

interface Case {
  problem: SynthProblem;
  steps: string;
  target: string;
  right: number;
  lucky: boolean;
}

/** Every code step of 25 problems written with a flaw, lucky and unlucky, after a sound prefix. */
function flawedCases(): Case[] {
  const cases: Case[] = [];
  for (let p = 0; p < 25; p++) {
    const record = synthRecord(5, p);
    const prompt = renderPrompt(protocol, record.problem);
    const canonical = splitSteps(record.solution, protocol);
    const found0 = recoverPrompt(prompt, protocol);
    if (found0 === null) throw new Error('the family prompt was not recovered');
    found0.problem.ops.forEach((op, i) => {
      const prefix = canonical.slice(0, i).join('');
      const found = recoverPrompt(prompt + prefix, protocol);
      if (found === null) throw new Error('the prefix was not recovered');
      for (const lucky of [true, false]) {
        const rng = createRng(1000 * p + 10 * i + (lucky ? 1 : 0));
        const step = flawedStepText(found, i + 1, op, 0, lucky, rng) + protocol.stepEnd;
        cases.push({
          problem: found.problem,
          steps: prefix + step,
          target: variable(i + 1),
          right: found.problem.values[i] ?? Number.NaN,
          lucky,
        });
      }
    });
  }
  return cases;
}

describe('flawed steps', () => {
  const cases = flawedCases();

  it('leave the canonical solution sound', () => {
    for (let p = 0; p < 25; p++) {
      const record = synthRecord(5, p);
      const found = recoverPrompt(renderPrompt(protocol, record.problem), protocol);
      if (found === null) throw new Error('not recovered');
      const solution = canonicalSolution(found.problem);
      expect(deviatingSteps(found.problem, solution, protocol)).toBe(0);
      expect(judgeSteps(found.problem, solution, protocol)).toMatchObject({
        onPath: true,
        sound: true,
      });
    }
  });

  it('keep the value when lucky (on the path, not sound) and lose it when not', () => {
    for (const c of cases) {
      expect(judgeSteps(c.problem, c.steps, protocol)).toMatchObject({
        onPath: c.lucky,
        sound: false,
        deviations: 1,
      });
    }
    expect(cases.filter((c) => c.lucky).length).toBeGreaterThan(50);
  });

  it('run the same under CPython as under the simulator', () => {
    const programs = cases.map((c) => `${codeOfStep(c.steps, protocol)}\nprint(${c.target})`);
    const python = runPythonBatch(programs);
    programs.forEach((program, i) => {
      const mini = runMiniPython(program);
      expect(mini.status).toBe('ok');
      expect(python[i]).toEqual({ ok: true, stdout: mini.stdout, error: null });
    });
  });

  it('write every form, lucky ones with the right value', () => {
    const lucky = cases.filter((c) => c.lucky);
    const forms = new Set(
      lucky.map((c) => {
        const last = splitSteps(c.steps, protocol).at(-1) ?? '';
        if (/\nt\d+ = /.test(last)) return 'stray';
        if (new RegExp(`\\n${c.target} = ${c.target} [+-] `).test(last)) return 'compensating';
        return 'guess';
      }),
    );
    expect([...forms].sort()).toEqual(['compensating', 'guess', 'stray']);
    for (const c of lucky) {
      const value = runMiniPython(codeOfStep(c.steps, protocol)).variables.get(c.target);
      expect(value).toEqual({ n: c.right, d: 1 });
    }
  });
});
