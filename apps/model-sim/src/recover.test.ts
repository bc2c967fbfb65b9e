import { generateProblem, renderQuestion, synthRecord } from '@rstar-fleet/corpus';
import { compileStepProtocol, renderPrompt } from '@rstar-fleet/mcts';
import { recoverPrompt, splitSteps } from './recover';
import { judgeSteps } from './truth';

const protocol = compileStepProtocol();

describe('problem recovery from a prompt', () => {
  it('recovers the problem and the progress at every prefix of the canonical solution', () => {
    for (let i = 0; i < 40; i++) {
      const record = synthRecord(4, i);
      const head = renderPrompt(protocol, record.problem);
      const steps = splitSteps(record.solution, protocol);
      expect(steps.join('')).toBe(record.solution);
      expect(steps).toHaveLength(record.difficulty + 2);
      let prefix = '';
      steps.forEach((step, s) => {
        prefix += step;
        const found = recoverPrompt(head + prefix, protocol);
        expect(found?.problem).toEqual(generateProblem(4, i));
        expect(found?.head).toBe(head);
        expect(found?.state.codeSteps).toBe(Math.min(s + 1, record.difficulty + 1));
        expect(found?.state.closed).toBe(s >= record.difficulty);
        expect(found?.state.output).toBe(s >= record.difficulty ? record.answer : null);
        expect(found?.state.boxed).toBe(s === record.difficulty + 1 ? record.answer : null);
        const verdict = judgeSteps(found!.problem, prefix, protocol);
        expect(verdict).toEqual({
          onPath: true,
          sound: true,
          deviations: 0,
          progress: (s + 1) / (record.difficulty + 2),
        });
      });
    }
  });

  it('judges wrong values, wrong prints, failures and wrong answers off the path', () => {
    const problem = generateProblem(4, 1);
    const record = synthRecord(4, 1);
    const [first = '', second = ''] = splitSteps(record.solution, protocol);
    const wrongFirst = first.replace(/^(v1 = .*)$/m, '$1 + 1');
    expect(judgeSteps(problem, wrongFirst, protocol).onPath).toBe(false);
    expect(judgeSteps(problem, first + second.replace(/v1\b/g, 'v9'), protocol).onPath).toBe(false);
    const wrongAnswer = record.solution.replace(/\\boxed\{\d+\}/, '\\boxed{1}');
    expect(judgeSteps(problem, wrongAnswer, protocol)).toEqual({
      onPath: false,
      sound: false,
      deviations: 0,
      progress: 1,
    });
  });

  it('gives null for prompts outside the family or another template', () => {
    expect(recoverPrompt(renderPrompt(protocol, 'What is 2 + 2?'), protocol)).toBeNull();
    const question = renderQuestion(generateProblem(4, 2));
    expect(recoverPrompt(`Q: ${question}`, protocol)).toBeNull();
    const custom = compileStepProtocol({ promptTemplate: 'Solve: {question}\nSolution:' });
    expect(recoverPrompt(renderPrompt(custom, question), custom)?.problem).toEqual(
      generateProblem(4, 2),
    );
  });
});
