import {
  NotFoundError,
  resolveEndpoint,
  type Endpoint,
  type EndpointInput,
  type RoundPolicy,
  type RoundPpm,
  type RoundSampling,
  type RoundSearch,
} from '@rstar-fleet/protocol';
import type { StoreLocation } from '@rstar-fleet/store';
import { compileEvaluate, type EvaluatePlan } from './evaluate-plan';
import { checkEvaluatePpm } from './evaluate-ppm-check';
import { PlanError, dottedPath, type PlanIssue } from './plan-error';
import {
  HOOK_VARIABLE_PATTERN,
  type HookVariable,
  type PlanFile,
  type RoundInput,
} from './plan-schema';

// ---------------------------------------------------------------------------------------------
// The compiled plan: every default applied (here, once); the round manifest's parts are the
// protocol's types, so a compiled round passes into a manifest unchanged.
// ---------------------------------------------------------------------------------------------

export type PolicyPlan = RoundPolicy;
export type PpmPlan = RoundPpm;
export type SamplingPlan = RoundSampling;

/** The round's search settings plus phase 0's budget (the manifest keeps that in its phases). */
export interface SearchPlan extends RoundSearch {
  /** MCTS rollouts per tree in the round's own search (phase 0). */
  readonly rollouts: number;
  /** Trees per problem in phase 0 (escalation phases search one). */
  readonly trees: number;
}

export type HookPlan =
  | {
      readonly kind: 'command';
      /** argv template; expand with expandHook. */
      readonly argv: readonly string[];
      readonly timeoutSeconds: number;
    }
  | {
      readonly kind: 'kubernetes-job';
      readonly template: string;
      readonly namespace: string | null;
      readonly timeoutSeconds: number;
    };

export interface RoundPlan {
  /** 1-based round number (`{round}`). */
  readonly round: number;
  readonly policy: PolicyPlan;
  /** Null when the round needs no PPM and none is configured. */
  readonly ppm: PpmPlan | null;
  readonly search: SearchPlan;
  readonly sampling: SamplingPlan;
  readonly shardSize: number;
  /** Share of shards that may fail for good while the round still completes (0 = none). */
  readonly maxFailedShardShare: number;
  readonly hooks: { readonly train: HookPlan | null; readonly deploy: HookPlan | null };
}

/** Where the artifact store lives (the store package's own description of it). */
export type StorePlan = StoreLocation;

export interface RunPlan {
  /** Where the plan came from (file path), for messages. */
  readonly source: string;
  readonly name: string;
  readonly corpus: {
    readonly path: string;
    readonly format: 'auto' | 'jsonl' | 'parquet';
    readonly adapter: string;
    readonly dataset: string | null;
  };
  readonly store: StorePlan;
  readonly redis: {
    readonly url: string;
    readonly passwordEnv: string | null;
    /** BullMQ key prefix (a Redis Cluster hash tag by default). */
    readonly prefix: string;
  };
  readonly sandbox: { readonly addresses: readonly string[] };
  /** At least one round (the schema allows no empty list), round r at index r - 1. */
  readonly rounds: readonly [RoundPlan, ...RoundPlan[]];
  /** Evaluation of every round's models; null when the plan has no `evaluate:`. */
  readonly evaluate: EvaluatePlan | null;
}

// ---------------------------------------------------------------------------------------------
// Defaults (DESIGN §4, the rStar-Math paper)
// ---------------------------------------------------------------------------------------------

type PaperRound = Required<
  Pick<RoundInput, 'qRule' | 'rollouts' | 'candidates' | 'trees' | 'escalation' | 'errorsThreshold'>
>;

/**
 * Per-round search settings of the paper; rounds after the fourth continue like the fourth.
 * errorsThreshold is the released code's: its bootstrap config tolerates one failed code step
 * (2), its SLM configs none (1).
 */
export const PAPER_ROUNDS: readonly [PaperRound, PaperRound, PaperRound, PaperRound] = [
  { qRule: 'terminal', rollouts: 8, candidates: 5, trees: 1, escalation: [], errorsThreshold: 2 },
  { qRule: 'terminal', rollouts: 16, candidates: 8, trees: 1, escalation: [], errorsThreshold: 1 },
  { qRule: 'ppm', rollouts: 16, candidates: 8, trees: 1, escalation: [], errorsThreshold: 1 },
  {
    qRule: 'ppm',
    rollouts: 16,
    candidates: 16,
    trees: 2,
    escalation: [64, 128],
    errorsThreshold: 1,
  },
];

/** Every default of the plan, applied by compilePlan only (plan-schema.ts documents each key's). */
export const PLAN_DEFAULTS = {
  name: 'run',
  rounds: 4,
  store: { dir: './runs' },
  redisUrl: 'redis://127.0.0.1:6379',
  redisPrefix: '{rstar}',
  sandboxAddresses: ['127.0.0.1:50051'],
  mode: 'mcts',
  maxDepth: 16,
  c: 2,
  seed: 0,
  beamWidth: 8,
  policyDialect: 'vllm',
  ppmDialect: 'vllm-classify',
  ppmTransform: 'tanh5',
  temperature: 0.7,
  topP: 1,
  maxTokens: 2048,
  shardSize: 256,
  maxFailedShardShare: 0,
  trainTimeoutSeconds: 86_400,
  deployTimeoutSeconds: 3600,
  s3Region: 'us-east-1',
} as const;

// ---------------------------------------------------------------------------------------------
// Compilation
// ---------------------------------------------------------------------------------------------

export interface CompileContext {
  source?: string;
  /** Line of a field (parsePlan passes the YAML's); without it issues carry no line. */
  locate?: (path: readonly PropertyKey[]) => number | undefined;
}

/**
 * Applies defaults and inheritance (paper round < `defaults:` < the round's own keys; objects
 * merge key by key, lists replace) and checks what only the merged round can tell: a policy in
 * every round, a PPM where qRule is ppm or mode is beam, escalation above rollouts, no
 * `{prev_out}` in round 1, a PPM for every set of models `evaluate:` scores with one
 * (evaluate-ppm-check.ts). All problems are thrown together as one PlanError.
 */
export function compilePlan(file: PlanFile, ctx: CompileContext = {}): RunPlan {
  const source = ctx.source ?? 'plan.yaml';
  const issues: PlanIssue[] = [];
  const issue = (path: readonly PropertyKey[], message: string): void => {
    const line = ctx.locate?.(path);
    issues.push({
      source,
      ...(line === undefined ? {} : { line }),
      field: dottedPath(path),
      message,
    });
  };

  const entries: RoundInput[] = Array.isArray(file.rounds)
    ? file.rounds
    : Array.from({ length: file.rounds ?? PLAN_DEFAULTS.rounds }, () => ({}));
  const compiled = entries.map((entry, i) => compileRound(file.defaults ?? {}, entry, i, issue));
  const [first, ...rest] = compiled;
  if (first === undefined && issues.length === 0) issue(['rounds'], 'expected at least one round');
  const evaluate = file.evaluate === undefined ? null : compileEvaluate(file.evaluate, issue);
  // Which rounds' models are evaluated, with which PPM, needs every round compiled.
  const rounds = compiled.filter((r): r is RoundPlan => r !== undefined);
  if (file.evaluate !== undefined && evaluate !== null && rounds.length === compiled.length) {
    checkEvaluatePpm(file.evaluate, evaluate, rounds, issue);
  }
  if (issues.length > 0 || first === undefined) throw new PlanError(issues);

  const store: StorePlan =
    file.store?.s3 === undefined
      ? { kind: 'dir', dir: file.store?.dir ?? PLAN_DEFAULTS.store.dir }
      : {
          kind: 's3',
          bucket: file.store.s3.bucket,
          prefix: file.store.s3.prefix ?? '',
          endpoint: file.store.s3.endpoint ?? null,
          region: file.store.s3.region ?? PLAN_DEFAULTS.s3Region,
          forcePathStyle: file.store.s3.forcePathStyle ?? false,
        };
  return {
    source,
    name: file.name ?? PLAN_DEFAULTS.name,
    corpus: {
      path: file.corpus.path,
      format: file.corpus.format ?? 'auto',
      adapter: file.corpus.adapter ?? 'auto',
      dataset: file.corpus.dataset ?? null,
    },
    store,
    redis: {
      url: file.redis?.url ?? PLAN_DEFAULTS.redisUrl,
      passwordEnv: file.redis?.passwordEnv ?? null,
      prefix: file.redis?.prefix ?? PLAN_DEFAULTS.redisPrefix,
    },
    sandbox: { addresses: file.sandbox?.addresses ?? [...PLAN_DEFAULTS.sandboxAddresses] },
    rounds: [first, ...rest.filter((r): r is RoundPlan => r !== undefined)],
    evaluate,
  };
}

type Report = (path: readonly PropertyKey[], message: string) => void;

type Defaulted<T, K extends keyof T> = T & { [P in K]-?: NonNullable<T[P]> };
type PolicyInput = NonNullable<RoundInput['policy']>;
type PpmInput = NonNullable<RoundInput['ppm']>;

/** A round as written with every default present; only what has no default may be missing. */
type DefaultedRound = Defaulted<
  RoundInput,
  | 'mode'
  | 'qRule'
  | 'rollouts'
  | 'candidates'
  | 'trees'
  | 'escalation'
  | 'errorsThreshold'
  | 'maxDepth'
  | 'c'
  | 'seed'
  | 'beamWidth'
  | 'shardSize'
  | 'maxFailedShardShare'
> & {
  policy: Defaulted<PolicyInput, 'dialect'>;
  ppm: Defaulted<PpmInput, 'dialect' | 'transform'>;
  sampling: Required<NonNullable<RoundInput['sampling']>>;
};

/** Round `index`'s defaults: the paper's round, then the plan-wide defaults. */
function roundDefaults(index: number): DefaultedRound {
  const paper = PAPER_ROUNDS[Math.min(index, PAPER_ROUNDS.length - 1)] ?? PAPER_ROUNDS[0];
  const d = PLAN_DEFAULTS;
  return {
    ...paper,
    escalation: [...paper.escalation],
    mode: d.mode,
    maxDepth: d.maxDepth,
    c: d.c,
    seed: d.seed,
    beamWidth: d.beamWidth,
    shardSize: d.shardSize,
    maxFailedShardShare: d.maxFailedShardShare,
    policy: { dialect: d.policyDialect },
    ppm: { dialect: d.ppmDialect, transform: d.ppmTransform },
    sampling: { temperature: d.temperature, topP: d.topP, maxTokens: d.maxTokens },
  };
}

function compileRound(
  defaults: RoundInput,
  entry: RoundInput,
  index: number,
  issue: Report,
): RoundPlan | undefined {
  const r = mergeRound(mergeRound(roundDefaults(index), defaults), entry);
  const at = (...rest: PropertyKey[]): PropertyKey[] => ['rounds', index, ...rest];
  const problems = { count: 0 };
  const report: Report = (path, message) => {
    problems.count++;
    issue(path, message);
  };

  const { policy, ppm } = r;
  if (policy.endpoints === undefined) {
    report(at('policy', 'endpoints'), 'required (in this round or in defaults)');
  }
  if (policy.model === undefined) {
    report(at('policy', 'model'), 'required (in this round or in defaults)');
  }
  const needsPpm = r.qRule === 'ppm' || r.mode === 'beam';
  const why = r.mode === 'beam' ? 'beam search ranks by the PPM' : 'qRule is ppm';
  if (needsPpm && ppm.endpoints === undefined) {
    report(at('ppm', 'endpoints'), `required: ${why} in this round`);
  }
  if (needsPpm && ppm.model === undefined) {
    report(at('ppm', 'model'), `required: ${why} in this round`);
  }
  let floor = r.rollouts;
  // A value inherited from `defaults:` is reported where it is written.
  const written = (key: keyof RoundInput, ...rest: PropertyKey[]): PropertyKey[] =>
    entry[key] === undefined && defaults[key] !== undefined
      ? ['defaults', key, ...rest]
      : at(key, ...rest);
  r.escalation.forEach((budget, k) => {
    if (budget <= floor) {
      report(
        written('escalation', k),
        `expected more than ${floor} in round ${index + 1} (escalation budgets rise above rollouts), got ${budget}`,
      );
    }
    floor = Math.max(floor, budget);
  });
  for (const kind of ['train', 'deploy'] as const) {
    const hook = r.hooks?.[kind];
    if (index === 0 && hook !== undefined && hookVariables(hook).includes('prev_out')) {
      const path =
        entry.hooks?.[kind] === undefined ? ['defaults', 'hooks', kind] : at('hooks', kind);
      report(path, '{prev_out} is not defined in round 1 (no previous round)');
    }
  }
  if (problems.count > 0 || policy.endpoints === undefined || policy.model === undefined) {
    return undefined;
  }

  return {
    round: index + 1,
    policy: {
      model: policy.model,
      dialect: policy.dialect,
      endpoints: endpoints(policy.endpoints),
    },
    ppm:
      ppm.endpoints !== undefined && ppm.model !== undefined
        ? {
            model: ppm.model,
            dialect: ppm.dialect,
            transform: ppm.transform,
            endpoints: endpoints(ppm.endpoints),
          }
        : null,
    search: {
      mode: r.mode,
      rollouts: r.rollouts,
      candidates: r.candidates,
      maxDepth: r.maxDepth,
      errorsThreshold: r.errorsThreshold,
      c: r.c,
      qRule: r.qRule,
      trees: r.trees,
      seed: r.seed,
      beamWidth: r.beamWidth,
      escalation: r.escalation,
    },
    sampling: { ...r.sampling },
    shardSize: r.shardSize,
    maxFailedShardShare: r.maxFailedShardShare,
    hooks: {
      train: compileHook(r.hooks?.train, PLAN_DEFAULTS.trainTimeoutSeconds),
      deploy: compileHook(r.hooks?.deploy, PLAN_DEFAULTS.deployTimeoutSeconds),
    },
  };
}

/**
 * `over` wins key by key; nested objects (policy, ppm, sampling, hooks) merge one level down.
 * What `base` has stays present (an absent key in `over` never removes one), hence its type.
 */
function mergeRound<T extends RoundInput>(base: T, over: RoundInput): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    const prior = out[key];
    out[key] = isPlainObject(value) && isPlainObject(prior) ? { ...prior, ...value } : value;
  }
  return out as T;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function endpoints(list: readonly EndpointInput[]): Endpoint[] {
  return list.map(resolveEndpoint);
}

type HookInput = NonNullable<NonNullable<RoundInput['hooks']>['train']>;

function compileHook(hook: HookInput | undefined, timeout: number): HookPlan | null {
  if (hook === undefined) return null;
  const timeoutSeconds = hook.timeoutSeconds ?? timeout;
  if (hook.kubernetesJob !== undefined) {
    return {
      kind: 'kubernetes-job',
      template: hook.kubernetesJob.template,
      namespace: hook.kubernetesJob.namespace ?? null,
      timeoutSeconds,
    };
  }
  const command = hook.command ?? [];
  const argv = typeof command === 'string' ? command.split(/\s+/).filter((a) => a !== '') : command;
  return { kind: 'command', argv, timeoutSeconds };
}

function hookVariables(hook: HookInput): string[] {
  const texts = [
    ...(hook.command === undefined ? [] : [hook.command].flat()),
    ...(hook.kubernetesJob === undefined ? [] : [hook.kubernetesJob.template]),
  ];
  return texts.flatMap((t) => [...t.matchAll(HOOK_VARIABLE_PATTERN)].map((m) => m[1] ?? ''));
}

/** Round `round` (1-based) of a compiled plan; NotFoundError when the plan has fewer rounds. */
export function planRound(plan: RunPlan, round: number): RoundPlan {
  const r = plan.rounds[round - 1];
  if (r === undefined) throw new NotFoundError(`the plan has no round ${round}`);
  return r;
}

/** A command hook's argv with the variables filled in (each argument substituted, no shell). */
export function expandHook(
  hook: Extract<HookPlan, { kind: 'command' }>,
  vars: Partial<Record<HookVariable, string>>,
): string[] {
  return hook.argv.map((arg) =>
    arg.replace(HOOK_VARIABLE_PATTERN, (whole, name: string) => {
      const value = vars[name as HookVariable];
      return value ?? whole;
    }),
  );
}
