import { compileStepProtocol } from './config';
import { codeOfStep, cumulativeProgram } from './program';

const protocol = compileStepProtocol();

describe('code of a step', () => {
  it('strips <code>, the step tag, natural language before the block, and the output', () => {
    expect(codeOfStep('Let us compute.\n<code>\n# Step 1\nx = 1\n<end_of_step>', protocol)).toBe(
      '\n# Step 1\nx = 1\n',
    );
    expect(codeOfStep('\nprint(x)\n<end_of_code>\n<output>1<end_of_output>', protocol)).toBe(
      '\nprint(x)\n',
    );
  });

  it('treats a step without <code> as all code (rStar extract_program)', () => {
    expect(codeOfStep('y = 2\n<end_of_step>', protocol)).toBe('y = 2\n');
  });

  it('joins the block steps in order, never merging lines', () => {
    const program = cumulativeProgram(
      ['<code>\nx = 1<end_of_step>', '\ny = x + 1\n<end_of_step>', '\nprint(y)\n<end_of_code>'],
      protocol,
    );
    expect(program).toBe('\nx = 1\n\ny = x + 1\n\nprint(y)\n');
  });
});
