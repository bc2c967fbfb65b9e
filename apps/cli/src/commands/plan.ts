import { Command } from 'commander';
import type { HookPlan, RunPlan } from '@rstar-fleet/config';
import type { CliIO } from '../cli-io';

const HELP_AFTER = `
Validates a run plan (YAML) the way a run would at start, and prints the compiled plan: corpus,
store, Redis, sandbox and one row per round with every default filled in. Every problem is
reported at once, one per line as FILE:LINE, field F: message (list indices 0-based), with
exit code 65; a missing file exits 66. The format is described in packages/config/README.md.
Then the corpus file must exist and be readable, with relative paths resolved against the
current directory as a run would (exit 66 naming FILE:LINE, field corpus.path and the resolved
path); --no-check-files skips that, for a plan checked away from where it will run. s3:// and
https:// corpora are not checked.

Examples:
  $ rstar-fleet plan check examples/local-sim.yaml
  $ rstar-fleet plan check --json examples/vllm-cluster.yaml
`;

/** `rstar-fleet plan ...`: run plans. */
export function planCommand(io: CliIO): Command {
  const output = {
    writeOut: (s: string) => void io.stdout.write(s),
    writeErr: (s: string) => void io.stderr.write(s),
  };
  const check = new Command('check')
    .description('validate a run plan and print it compiled (rounds table), or every error')
    .argument('<FILE>', 'run plan (YAML)')
    .option('--json', 'print the compiled plan as one JSON object', false)
    .option('--no-check-files', 'do not check that the corpus file exists (checked elsewhere)')
    .configureOutput(output)
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', HELP_AFTER)
    .action(async (file: string, flags: { json?: boolean; checkFiles: boolean }) => {
      const { checkPlanFiles } = await import('@rstar-fleet/config');
      const { readPlanInput } = await import('@rstar-fleet/orchestrator/fleet/plan-input');
      const { plan, text } = await readPlanInput(file);
      if (flags.checkFiles) await checkPlanFiles(plan, text, process.cwd());
      io.stdout.write(`${flags.json === true ? JSON.stringify(plan) : formatPlan(plan)}\n`);
    });
  return new Command('plan')
    .description('check run plans (corpus, store, rounds, hooks)')
    .configureOutput(output)
    .showHelpAfterError('(run with --help for usage)')
    .addCommand(check);
}

/** The human-readable summary: settings, then a table with one row per round. */
export function formatPlan(plan: RunPlan): string {
  const store =
    plan.store.kind === 'dir'
      ? `dir ${plan.store.dir}`
      : `s3 ${plan.store.bucket}/${plan.store.prefix}${plan.store.endpoint === null ? '' : ` at ${plan.store.endpoint}`}`;
  const lines = [
    `${plan.source}: ok, run "${plan.name}", ${plan.rounds.length} round(s)`,
    `  corpus   ${plan.corpus.path} (format ${plan.corpus.format}, adapter ${plan.corpus.adapter})`,
    `  store    ${store}`,
    `  redis    ${plan.redis.url}${plan.redis.passwordEnv === null ? '' : ` (password from $${plan.redis.passwordEnv})`}`,
    `  sandbox  ${plan.sandbox.addresses.join(', ')}`,
    '',
  ];
  const header = [
    'round',
    'mode',
    'q',
    'rollouts',
    'cand',
    'trees',
    'escalate',
    'depth',
    'c',
    'temp',
    'top-p',
    'max-tok',
    'shard',
    'policy',
    'ppm',
    'train',
    'deploy',
  ];
  const rows = plan.rounds.map((r) => [
    String(r.round),
    r.search.mode,
    r.search.qRule,
    String(r.search.rollouts),
    String(r.search.candidates),
    String(r.search.trees),
    r.search.escalation.length === 0 ? '-' : r.search.escalation.join('>'),
    String(r.search.maxDepth),
    String(r.search.c),
    String(r.sampling.temperature),
    String(r.sampling.topP),
    String(r.sampling.maxTokens),
    String(r.shardSize),
    `${r.policy.model} (${r.policy.dialect} x${r.policy.endpoints.length})`,
    r.ppm === null ? '-' : `${r.ppm.model} (${r.ppm.dialect} x${r.ppm.endpoints.length})`,
    hookLabel(r.hooks.train),
    hookLabel(r.hooks.deploy),
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map((row) => row[i]?.length ?? 0)),
  );
  const render = (cells: string[]): string =>
    `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  lines.push(render(header), ...rows.map(render));
  return lines.join('\n');
}

function hookLabel(hook: HookPlan | null): string {
  if (hook === null) return '-';
  return hook.kind === 'command' ? `command ${hook.argv[0] ?? ''}` : `k8s-job ${hook.template}`;
}
