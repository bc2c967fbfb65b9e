import type { HookPlan, HookVariable } from '@rstar-fleet/config';
import { expandHook } from '@rstar-fleet/config';
import type { HookOutcome } from '../run-state';
import type { KubeAccess } from '../types';
import { runCommandHook, type CommandHookOptions } from './command-hook';
import { runKubernetesJobHook } from './kube-job-hook';

export { runCommandHook, type CommandHookOptions };

/** Values of the template variables (`{run}`, `{round}`, `{sft}`, `{pairs}`, `{out}`, `{prev_out}`). */
export type HookVars = Partial<Record<HookVariable, string>>;

export interface HookRunOptions {
  cliScript?: string;
  env?: Record<string, string | undefined>;
  kube?: KubeAccess;
  signal?: AbortSignal;
  onOutput?: (stream: 'stdout' | 'stderr', text: string) => void;
}

/** Runs a train or deploy hook of either kind; never throws (failures are outcomes). */
export async function runHook(
  hook: HookPlan,
  vars: HookVars,
  options: HookRunOptions = {},
): Promise<HookOutcome> {
  if (hook.kind === 'command') {
    return runCommandHook({
      argv: expandHook(hook, vars),
      timeoutSeconds: hook.timeoutSeconds,
      ...(options.cliScript === undefined ? {} : { cliScript: options.cliScript }),
      ...(options.env === undefined ? {} : { env: options.env }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.onOutput === undefined ? {} : { onOutput: options.onOutput }),
    });
  }
  return runKubernetesJobHook({
    template: hook.template,
    namespace: hook.namespace,
    timeoutSeconds: hook.timeoutSeconds,
    vars,
    kube: options.kube ?? {},
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
}
