import { InvalidInputError } from '@rstar-fleet/protocol';
import { compileStepProtocol, DEFAULT_STEP_PROTOCOL } from './config';
import { renderPrompt } from './prompt';

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidInputError);
    return (err as InvalidInputError).where.field;
  }
  throw new Error('expected an error');
}

describe('step protocol config', () => {
  it('defaults to rStar-Math tags, stop list and SLM template', () => {
    const p = compileStepProtocol();
    expect(p.stops).toEqual(['<end_of_step>', '<end_of_code>', '<end_of_answer>']);
    expect(renderPrompt(p, 'What is $1+1$?')).toBe(
      "<|user|>:\nWhat is $1+1$?\n<|assistant|>: Let's think step by step and solve the problem with code.",
    );
    expect(p.promptTemplate).toBe(DEFAULT_STEP_PROTOCOL.promptTemplate);
  });

  it('names the bad field', () => {
    expect(fieldOf(() => compileStepProtocol({ promptTemplate: 'no placeholder' }))).toBe(
      'protocol.promptTemplate',
    );
    expect(fieldOf(() => compileStepProtocol({ stepEnd: '' }))).toBe('protocol.stepEnd');
    expect(fieldOf(() => compileStepProtocol({ answerEnd: '<end_of_step>' }))).toBe(
      'protocol.answerEnd',
    );
    expect(fieldOf(() => compileStepProtocol({ outputHeadChars: 1000 }))).toBe(
      'protocol.outputTailChars',
    );
    expect(fieldOf(() => compileStepProtocol({ bogus: 1 } as never))).toBe('protocol.bogus');
    expect(fieldOf(() => compileStepProtocol({ codeEnd: '' }, 'rounds.3.protocol'))).toBe(
      'rounds.3.protocol.codeEnd',
    );
  });
});
