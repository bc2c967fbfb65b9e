import type { StepProtocol } from './config';

/** The root prompt: the template with every `{question}` replaced (no `$` pattern surprises). */
export function renderPrompt(protocol: StepProtocol, question: string): string {
  return protocol.promptTemplate.split('{question}').join(question);
}
