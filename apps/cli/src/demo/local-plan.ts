import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { RunState } from '@rstar-fleet/orchestration';
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
  /** The policy endpoint, when not the simulator itself (e.g. a proxy in front of it). */
  policyUrl?: string;
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
  /** A plan `evaluate:` section to add (the example has none). */
  evaluate?: Record<string, unknown>;
}

type Path = readonly (string | number)[];

/**
 * The example plan with the local fleet's addresses and sizes put in through the YAML document
 * (the same `yaml` library packages/config parses plans with), comments kept, so a run's
 * `plan.yaml` still reads as the example. Every value replaced must be there: if
 * examples/local-sim.yaml changes shape, this fails loudly instead of running a plan with the
 * wrong addresses.
 */
export function renderLocalPlan(template: string, settings: LocalPlanSettings): string {
  const doc = parseDocument(template);
  const fail = (what: string): never => {
    throw new RstarError('INTERNAL', `examples/local-sim.yaml: expected ${what}`);
  };
  /** Replaces the value at `path`, which must exist (a scalar keeps its comment). */
  const replace = (path: Path, value: unknown, what: string): void => {
    if (!doc.hasIn(path)) fail(`${what} (${path.join('.')})`);
    setValue(doc, path, value);
  };
  const simUrl = settings.simUrl.replace(/\/+$/, '');

  replace(['corpus', 'path'], settings.corpusPath, 'the corpus path');
  replace(['store', 'dir'], settings.storeDir, 'the store dir');
  replace(['redis', 'url'], settings.redisUrl, 'the redis url');
  if (settings.redisPrefix !== undefined) {
    const prefix = doc.createNode(settings.redisPrefix);
    prefix.comment = ' a private queue key prefix';
    doc.setIn(['redis', 'prefix'], prefix);
  }
  replace(['sandbox', 'addresses'], [...settings.sandboxAddresses], 'the sandbox addresses');
  // The example's simulator URL: the policy and PPM endpoints, and the deploy hook's --url.
  const exampleUrl = doc.getIn(['defaults', 'policy', 'endpoints', 0]);
  if (typeof exampleUrl !== 'string') fail('a policy endpoint URL (defaults.policy.endpoints.0)');
  const policyUrl = settings.policyUrl ?? simUrl;
  replace(['defaults', 'policy', 'endpoints', 0], policyUrl, 'the policy endpoint');
  replace(['defaults', 'ppm', 'endpoints', 0], simUrl, 'the PPM endpoint');
  const deployPath = ['defaults', 'hooks', 'deploy', 'command'];
  const deploy = doc.getIn(deployPath);
  if (typeof deploy !== 'string' || !deploy.includes(`--url ${String(exampleUrl)}`)) {
    fail(`the deploy hook to load into ${String(exampleUrl)} (${deployPath.join('.')})`);
  }
  replace(deployPath, String(deploy).replace(String(exampleUrl), simUrl), 'the deploy hook');

  if (settings.name !== undefined) replace(['name'], settings.name, 'a name');
  if (settings.shardSize !== undefined) {
    replace(['defaults', 'shardSize'], settings.shardSize, 'defaults.shardSize');
  }
  if (settings.seed !== undefined) doc.setIn(['defaults', 'seed'], settings.seed);
  editRounds(doc, settings, fail);
  if (settings.evaluate !== undefined) {
    const section = doc.createNode(settings.evaluate);
    section.commentBefore = " each round's deployed models, evaluated on held-out problems";
    doc.set('evaluate', section);
  }
  // The example's own style: single quotes, `[a, b]`, long lines kept long.
  return doc.toString({ singleQuote: true, flowCollectionPadding: false, lineWidth: 100 });
}

/** Sets the value at `path`; a scalar replaced by a scalar keeps its comment. */
function setValue(doc: Document, path: Path, value: unknown): void {
  const scalar = value === null || typeof value !== 'object';
  doc.setIn(path, scalar ? value : doc.createNode(value, { flow: true }));
}

/** Cuts the `rounds:` list to `settings.rounds` entries and applies the budgets. */
function editRounds(
  doc: Document,
  settings: LocalPlanSettings,
  fail: (what: string) => never,
): void {
  const rounds = doc.get('rounds', true);
  if (!isSeq(rounds) || !rounds.items.every((r) => isMap(r))) return fail('a `rounds:` list');
  rounds.items = rounds.items.slice(0, settings.rounds ?? rounds.items.length);
  rounds.items.forEach((_, i) => {
    const budget = settings.budgets?.[i] ?? {};
    for (const key of ['rollouts', 'candidates', 'trees', 'escalation'] as const) {
      if (budget[key] !== undefined) setValue(doc, ['rounds', i, key], budget[key]);
    }
  });
}

/**
 * The checkpoint a simulator (re)started now must serve (`round-<r>/checkpoint.json`, where the
 * example plan's hooks write it), or null before the first deploy: that of the last round whose
 * deploy hook succeeded, or is running (the hook loads it into the restarted simulator anyway,
 * and once its load is answered the round counts as deployed before run.json says so). As a
 * restarted inference server comes back with the model it was deployed with.
 */
export function deployedCheckpoint(runDir: string): string | null {
  let state: RunState;
  try {
    state = JSON.parse(readFileSync(join(runDir, 'run.json'), 'utf8')) as RunState;
  } catch {
    return null;
  }
  const deployed = state.rounds
    .filter((r) => r.hooks.deploy?.status === 'succeeded' || r.status === 'deploying')
    .map((r) => join(runDir, `round-${r.round}`, 'checkpoint.json'))
    .filter((checkpoint) => existsSync(checkpoint));
  return deployed.at(-1) ?? null;
}
