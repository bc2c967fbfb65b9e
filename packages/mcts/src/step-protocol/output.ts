import type { StepProtocol } from './config';

const NUMERIC = /^-?\d+\.\d+$/;

/**
 * The interpreter output as shown to the model: trimmed, a long decimal rounded to 4 places when
 * that is shorter (rStar), and cut to head + "..." + tail when over the limit (rStar: 512 + 512
 * of more than 1024 characters).
 */
export function formatOutput(stdout: string, protocol: StepProtocol): string {
  let out = stdout.trim();
  if (protocol.roundNumericOutput && NUMERIC.test(out) && Math.abs(Number(out)) < 1e15) {
    const rounded = roundLikePython(Number(out));
    if (rounded.length < out.length) out = rounded;
  }
  if (out.length > protocol.maxOutputChars) {
    const head = out.slice(0, protocol.outputHeadChars);
    const tail = protocol.outputTailChars === 0 ? '' : out.slice(-protocol.outputTailChars);
    out = `${head}...${tail}`;
  }
  return out;
}

/** `str(round(x, 4))` for a finite float: trailing zeros dropped, at least one decimal kept. */
function roundLikePython(value: number): string {
  const fixed = value.toFixed(4).replace(/0+$/, '');
  return fixed.endsWith('.') ? `${fixed}0` : fixed;
}

/** The text appended to the step that closes a code block. */
export function outputBlock(stdout: string, protocol: StepProtocol): string {
  return `\n${protocol.outputStart}${formatOutput(stdout, protocol)}${protocol.outputEnd}`;
}
