import { join } from 'node:path';
import { RstarError } from '@rstar-fleet/protocol';

/** examples/local-sim.yaml of this checkout (same depth from src/demo and dist/demo). */
export const LOCAL_SIM_PLAN = join(__dirname, '..', '..', '..', '..', 'examples', 'local-sim.yaml');

/** One round's search budget, replacing what the example plan writes. */
export interface RoundBudget {
  rollouts?: number;
  candidates?: number;
  trees?: number;
  /** Rollouts of the escalation phases; `[]` removes escalation. */
  escalation?: readonly number[];
}

/** Where the services of a local fleet are, and what to change in the example plan. */
export interface LocalPlanSettings {
  /** The synthetic (or any) corpus file. */
  corpusPath: string;
  /** The artifact store directory (runs land in `<storeDir>/runs/<run>/`... see the plan). */
  storeDir: string;
  redisUrl: string;
  /** BullMQ key prefix; default the plan's (`{rstar}`). */
  redisPrefix?: string;
  sandboxAddresses: readonly string[];
  /** The simulator's base URL (policy, PPM and the deploy hook's --url). */
  simUrl: string;
  /** Run name (the prefix of default run ids). Default the plan's. */
  name?: string;
  /** Search seed of every round. Default the plan's (0). */
  seed?: number;
  /** Problems per shard job. Default the plan's. */
  shardSize?: number;
  /** Keep only the first N rounds. Default all. */
  rounds?: number;
  /** Budgets per round (index 0 = round 1); missing entries keep the plan's. */
  budgets?: readonly (RoundBudget | undefined)[];
}

/**
 * The example plan's text with the local fleet's addresses and sizes substituted, comments
 * kept, so a run's `plan.yaml` still reads as the example. Every substitution must find its
 * anchor: if examples/local-sim.yaml changes shape, this fails loudly instead of running a plan
 * with the wrong addresses.
 */
export function renderLocalPlan(template: string, settings: LocalPlanSettings): string {
  let text = template;
  const replaceOnce = (pattern: RegExp, value: string, what: string): void => {
    const hits = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`));
    if (hits?.length !== 1) {
      throw new RstarError(
        'INTERNAL',
        `examples/local-sim.yaml: expected one ${what} (${String(pattern)}), found ${hits?.length ?? 0}`,
      );
    }
    text = text.replace(pattern, value);
  };
  const yamlString = (s: string): string => JSON.stringify(s);

  replaceOnce(/^( {2}path: ).*$/m, `$1${yamlString(settings.corpusPath)}`, 'corpus path');
  replaceOnce(/^( {2}dir: ).*$/m, `$1${yamlString(settings.storeDir)}`, 'store dir');
  replaceOnce(
    /^( {2}url: )redis:\/\/\S+(.*)$/m,
    `$1${yamlString(settings.redisUrl)}$2` +
      (settings.redisPrefix === undefined
        ? ''
        : `\n  prefix: ${yamlString(settings.redisPrefix)} # a private queue key prefix`),
    'redis url',
  );
  replaceOnce(
    /^( {2}addresses: ).*$/m,
    `$1${JSON.stringify(settings.sandboxAddresses)}`,
    'sandbox addresses',
  );
  const sim = /http:\/\/127\.0\.0\.1:8000/g;
  if ((text.match(sim)?.length ?? 0) < 3) {
    throw new RstarError('INTERNAL', 'examples/local-sim.yaml: expected the simulator URL 3 times');
  }
  text = text.replace(sim, settings.simUrl.replace(/\/+$/, ''));
  if (settings.name !== undefined) replaceOnce(/^(name: ).*$/m, `$1${settings.name}`, 'name');
  if (settings.shardSize !== undefined) {
    replaceOnce(/^( {2}shardSize: )\d+/m, `$1${settings.shardSize}`, 'shardSize');
  }
  if (settings.seed !== undefined) {
    replaceOnce(/^( {2}c: .*)$/m, `$1\n  seed: ${settings.seed}`, 'defaults c (to add seed)');
  }
  return editRounds(text, settings);
}

/** Cuts the `rounds:` list to `settings.rounds` entries and applies the budgets. */
function editRounds(text: string, settings: LocalPlanSettings): string {
  const at = text.search(/^rounds:\s*$/m);
  if (at < 0) throw new RstarError('INTERNAL', 'examples/local-sim.yaml: no `rounds:` list');
  const head = text.slice(0, at);
  const lines = text.slice(at).split('\n');
  const header = lines.shift() ?? 'rounds:';
  // Entries start at `  - `; comment lines just before an entry belong to it.
  const entries: string[][] = [];
  let pending: string[] = [];
  for (const line of lines) {
    if (/^ {2}- /.test(line)) {
      entries.push([...pending, line]);
      pending = [];
    } else if (/^ {2}#/.test(line) || line.trim() === '') {
      pending.push(line);
    } else {
      (entries.at(-1) ?? pending).push(...pending.splice(0), line);
    }
  }
  const kept = entries.slice(0, settings.rounds ?? entries.length);
  const edited = kept.map((entry, i) => applyBudget(entry, settings.budgets?.[i]));
  return [head + header, ...edited.flat(), ''].join('\n');
}

function applyBudget(entry: string[], budget: RoundBudget | undefined): string[] {
  if (budget === undefined) return entry;
  let lines = [...entry];
  const set = (key: string, value: string | undefined): void => {
    if (value === undefined) return;
    const index = lines.findIndex((l) => new RegExp(`^ {2}(- | {2})${key}:`).test(l));
    if (index >= 0) {
      lines[index] = (lines[index] ?? '').replace(new RegExp(`${key}:.*$`), `${key}: ${value}`);
    } else {
      const first = lines.findIndex((l) => /^ {2}- /.test(l));
      lines = [...lines.slice(0, first + 1), `    ${key}: ${value}`, ...lines.slice(first + 1)];
    }
  };
  set('rollouts', budget.rollouts?.toString());
  set('candidates', budget.candidates?.toString());
  set('trees', budget.trees?.toString());
  set(
    'escalation',
    budget.escalation === undefined ? undefined : JSON.stringify(budget.escalation),
  );
  return lines;
}
