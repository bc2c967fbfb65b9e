import { compileStepProtocol } from './config';
import { formatOutput, outputBlock } from './output';

const protocol = compileStepProtocol();

describe('interpreter output', () => {
  it('wraps trimmed output in the output tags', () => {
    expect(outputBlock('42\n', protocol)).toBe('\n<output>42<end_of_output>');
  });

  it('cuts output over 1024 characters to 512 + "..." + 512 (rStar)', () => {
    const long = `${'a'.repeat(600)}${'b'.repeat(600)}`;
    const out = formatOutput(long, protocol);
    expect(out).toBe(`${'a'.repeat(512)}...${'b'.repeat(512)}`);
    expect(formatOutput('c'.repeat(1024), protocol)).toBe('c'.repeat(1024));
  });

  it('rounds a long decimal to 4 places when shorter, like str(round(x, 4))', () => {
    expect(formatOutput('0.333333333', protocol)).toBe('0.3333');
    expect(formatOutput('2.50000001', protocol)).toBe('2.5');
    expect(formatOutput('3.0', protocol)).toBe('3.0');
    expect(formatOutput('12', protocol)).toBe('12');
    expect(formatOutput('0.333333333', compileStepProtocol({ roundNumericOutput: false }))).toBe(
      '0.333333333',
    );
  });

  it('honours configured limits', () => {
    const small = compileStepProtocol({
      maxOutputChars: 10,
      outputHeadChars: 3,
      outputTailChars: 2,
    });
    expect(formatOutput('abcdefghijklmnop', small)).toBe('abc...op');
  });
});
