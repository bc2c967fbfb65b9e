import type { Command } from 'commander';

/** Where the --policy / --ppm options point: instead of the plan's models (solve) or the run's (eval). */
export interface ModelOptionsHelp {
  policy: string;
  ppm: string;
}

/**
 * The options naming model servers directly, the same for `solve` and `eval` (read back by
 * model-flags.ts's modelsFromFlags once the action runs). Defining them loads nothing.
 */
export function addModelOptions(command: Command, help: ModelOptionsHelp): Command {
  return command
    .option('--policy <URL>', help.policy)
    .option('--policy-model <NAME>', 'served policy model name (with --policy)')
    .option('--policy-dialect <name>', 'vllm | sglang | llamacpp | openai', 'vllm')
    .option('--ppm <URL>', help.ppm)
    .option('--ppm-model <NAME>', 'served PPM model name (with --ppm)')
    .option(
      '--ppm-dialect <name>',
      'vllm-classify | vllm-pooling | sglang-classify',
      'vllm-classify',
    )
    .option('--ppm-transform <name>', 'tanh5 | identity | sigmoid', 'tanh5');
}
