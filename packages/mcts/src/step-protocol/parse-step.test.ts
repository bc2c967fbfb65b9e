import { compileStepProtocol } from './config';
import { parseStep } from './parse-step';

const protocol = compileStepProtocol();

describe('parseStep', () => {
  it('re-attaches the stop tag and classifies by it', () => {
    expect(
      parseStep({ text: '<code>\nx = 1\n', stop: '<end_of_step>', finishReason: 'stop' }, protocol),
    ).toEqual({
      kind: 'code',
      text: '<code>\nx = 1\n<end_of_step>',
    });
    expect(
      parseStep({ text: 'print(x)\n', stop: '<end_of_code>', finishReason: 'stop' }, protocol),
    ).toEqual({
      kind: 'code-close',
      text: 'print(x)\n<end_of_code>',
    });
    expect(
      parseStep(
        { text: '<answer>\\boxed{\\frac{1}{2}}\n', stop: '<end_of_answer>', finishReason: 'stop' },
        protocol,
      ),
    ).toEqual({
      kind: 'answer',
      text: '<answer>\\boxed{\\frac{1}{2}}\n<end_of_answer>',
      answer: '\\frac{1}{2}',
    });
  });

  it('treats a code step mentioning \\boxed as code (the stop tag decides)', () => {
    const step = parseStep(
      {
        text: '# the result goes in \\boxed{}\nx = 2\n',
        stop: '<end_of_step>',
        finishReason: 'stop',
      },
      protocol,
    );
    expect(step.kind).toBe('code');
  });

  it('accepts an EOS answer and rejects EOS without one', () => {
    expect(
      parseStep({ text: 'So \\boxed{5}', stop: null, finishReason: 'stop' }, protocol),
    ).toMatchObject({
      kind: 'answer',
      answer: '5',
      text: 'So \\boxed{5}',
    });
    expect(
      parseStep({ text: 'I think so', stop: null, finishReason: 'stop' }, protocol),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'no-stop',
    });
  });

  it('marks truncated, answer-less and unknown-stop steps invalid', () => {
    expect(
      parseStep({ text: 'x = 1 + \\boxed{2}', stop: null, finishReason: 'length' }, protocol),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'truncated',
    });
    expect(
      parseStep({ text: 'done', stop: '<end_of_answer>', finishReason: 'stop' }, protocol),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'no-answer',
    });
    expect(
      parseStep({ text: 'x', stop: '<end_of_output>', finishReason: 'stop' }, protocol),
    ).toMatchObject({
      kind: 'invalid',
      reason: 'unknown-stop',
    });
  });

  it('does not double a stop tag the client left attached', () => {
    const step = parseStep(
      { text: 'x = 1\n<end_of_step>', stop: '<end_of_step>', finishReason: 'stop' },
      protocol,
    );
    expect(step.text).toBe('x = 1\n<end_of_step>');
  });

  it('follows configured tags', () => {
    const custom = compileStepProtocol({
      stepEnd: '[STEP]',
      codeEnd: '[CODE]',
      answerEnd: '[ANS]',
    });
    expect(parseStep({ text: 'x = 1\n', stop: '[STEP]', finishReason: 'stop' }, custom).kind).toBe(
      'code',
    );
    expect(
      parseStep({ text: 'x = 1\n', stop: '<end_of_step>', finishReason: 'stop' }, custom).kind,
    ).toBe('invalid');
  });
});
