import { z } from 'zod';
import { ADAPTER_NAMES, BENCHMARK_NAMES } from '@rstar-fleet/corpus';
import {
  POLICY_DIALECTS,
  Q_RULES,
  REWARD_DIALECTS,
  REWARD_TRANSFORMS,
  SEARCH_MODES,
  TEST_TIME_MODES,
} from '@rstar-fleet/protocol';

/**
 * The run plan as written in YAML: every object is strict (a typo'd key is an error naming it),
 * every round setting is optional (defaults come from DESIGN §4 and the plan's `defaults:`
 * block, merged in compile-plan.ts). Messages are phrased for people reading a plan file.
 */

const posInt = (what = 'a positive integer') =>
  z.number({ error: `expected ${what}` }).int({ error: `expected ${what}` });

/** A positive integer up to `max`. */
const count = (max = 1_000_000) =>
  posInt()
    .min(1, { error: 'expected a positive integer' })
    .max(max, { error: `expected a positive integer ≤ ${max}` });

/** A seed: a non-negative integer. */
const seedInt = () =>
  z
    .number({ error: 'expected an integer' })
    .int({ error: 'expected an integer' })
    .min(0, { error: 'expected a non-negative integer' });

/** A share in [0, 1]. */
const share = () =>
  z
    .number({ error: 'expected a number in [0, 1]' })
    .min(0, { error: 'expected a number in [0, 1]' })
    .max(1, { error: 'expected a number in [0, 1]' });

const nonEmpty = (what: string) =>
  z.string({ error: `expected ${what}` }).min(1, { error: `expected ${what}` });

function isUrl(v: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(v).protocol);
  } catch {
    return false;
  }
}

const httpUrl = nonEmpty('an http(s) URL').refine((v) => isUrl(v, ['http:', 'https:']), {
  error: 'expected an http(s) URL',
});

/** `host:port` (the sandbox's gRPC address). */
const hostPort = nonEmpty('a host:port address').regex(/^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/, {
  error: 'expected a host:port address, e.g. 127.0.0.1:50051',
});

// ---------------------------------------------------------------------------------------------
// Endpoints and models
// ---------------------------------------------------------------------------------------------

/** One inference server: a bare URL, or `{url, name}` (name = metric label, default host:port). */
export const endpointSchema = z.union(
  [httpUrl, z.strictObject({ url: httpUrl, name: nonEmpty('a name').optional() })],
  {
    error: 'expected an http(s) URL or {url, name}',
  },
);

const endpointsSchema = z
  .array(endpointSchema, { error: 'expected a list of endpoints' })
  .min(1, { error: 'expected at least one endpoint' });

/** The policy model of a round: OpenAI-compatible completions servers. */
export const policySchema = z.strictObject({
  /** Replicas serving the policy (at least one; a tree sticks to one replica). */
  endpoints: endpointsSchema.optional(),
  /** Model name sent as `model`. Required (after merging `defaults:`). */
  model: nonEmpty('a model name').optional(),
  /** Server kind: vllm | sglang | llamacpp | openai. Default vllm. */
  dialect: z
    .enum(POLICY_DIALECTS, { error: `expected one of ${POLICY_DIALECTS.join(', ')}` })
    .optional(),
});

/** The process preference model (PPM): rounds with `qRule: ppm` and beam search need it. */
export const ppmSchema = z.strictObject({
  endpoints: endpointsSchema.optional(),
  /** Model name sent as `model`. */
  model: nonEmpty('a model name').optional(),
  /** vllm-classify | vllm-pooling | sglang-classify. Default vllm-classify. */
  dialect: z
    .enum(REWARD_DIALECTS, { error: `expected one of ${REWARD_DIALECTS.join(', ')}` })
    .optional(),
  /** Raw output → score: tanh5 (rStar: tanh(x/5)) | identity | sigmoid. Default tanh5. */
  transform: z
    .enum(REWARD_TRANSFORMS, { error: `expected one of ${REWARD_TRANSFORMS.join(', ')}` })
    .optional(),
});

/** A policy's sampling temperature (the rounds' and the evaluation's). */
const temperature = z
  .number({ error: 'expected a number in [0, 10]' })
  .min(0, { error: 'expected a number in [0, 10]' })
  .max(10, { error: 'expected a number in [0, 10]' });

/** Sampling settings sent on every policy request. */
export const samplingSchema = z.strictObject({
  /** Default 0.7 (rStar-Math). */
  temperature: temperature.optional(),
  /** Nucleus cut, in (0, 1]. Default 1. */
  topP: z
    .number({ error: 'expected a number in (0, 1]' })
    .gt(0, { error: 'expected a number in (0, 1]' })
    .max(1, { error: 'expected a number in (0, 1]' })
    .optional(),
  /** Token cap per step; a cut step is invalid. Default 2048. */
  maxTokens: count().optional(),
});

// ---------------------------------------------------------------------------------------------
// Hooks
// ---------------------------------------------------------------------------------------------

/**
 * Variables a hook template may use. `{prev_out}` (the previous round's `{out}`) is an addition
 * to the issue's five, so a trainer can start from the last checkpoint; round 1 may not use it.
 */
export const HOOK_VARIABLES = ['run', 'round', 'sft', 'pairs', 'out', 'prev_out'] as const;
export type HookVariable = (typeof HOOK_VARIABLES)[number];

/** `{name}` where name is an identifier; other braces (JSON, JS object literals) are literal. */
export const HOOK_VARIABLE_PATTERN = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

const templateString = nonEmpty('a non-empty string').superRefine((value, ctx) => {
  for (const match of value.matchAll(HOOK_VARIABLE_PATTERN)) {
    const name = match[1] ?? '';
    if (!(HOOK_VARIABLES as readonly string[]).includes(name)) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown variable {${name}} (known: ${HOOK_VARIABLES.map((v) => `{${v}}`).join(', ')})`,
      });
    }
  }
});

/**
 * A train or deploy hook: exactly one of `command` (argv run without a shell; a string is split
 * on whitespace) or `kubernetesJob` (a Job manifest template). Its last stdout line (the Job's
 * last log line) is JSON naming the new models: see hookResultSchema.
 */
export const hookSchema = z
  .strictObject({
    /** argv template, e.g. `[rstar-fleet, model-sim, train, --sft, '{sft}']`. */
    command: z
      .union(
        [templateString, z.array(templateString).min(1, { error: 'expected a non-empty list' })],
        {
          error: 'expected a command line (string) or an argv list',
        },
      )
      .optional(),
    kubernetesJob: z
      .strictObject({
        /** Path of a Job manifest (YAML); the variables are substituted in its text. */
        template: nonEmpty('a file path'),
        /** Namespace to create the Job in. Default: the manifest's, else the current one. */
        namespace: nonEmpty('a namespace').optional(),
      })
      .optional(),
    /** Give up (and fail the round) after this long. Default 86 400 s (train), 3600 s (deploy). */
    timeoutSeconds: count(30 * 86_400).optional(),
  })
  .superRefine((hook, ctx) => {
    if ((hook.command === undefined) === (hook.kubernetesJob === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of command, kubernetesJob' });
    }
  });

export const hooksSchema = z.strictObject({
  /** Runs after the round's datasets are extracted; trains the next policy and PPM. */
  train: hookSchema.optional(),
  /** Runs after `train`; makes the inference servers serve the new models. */
  deploy: hookSchema.optional(),
});

/** The last stdout line of a hook: the models (and endpoints, if they moved) of the next round. */
export const hookResultSchema = z.looseObject({
  policy: z
    .strictObject({ model: nonEmpty('a model name'), endpoints: endpointsSchema.optional() })
    .optional(),
  ppm: z
    .strictObject({ model: nonEmpty('a model name'), endpoints: endpointsSchema.optional() })
    .optional(),
});
export type HookResult = z.output<typeof hookResultSchema>;

// ---------------------------------------------------------------------------------------------
// Rounds
// ---------------------------------------------------------------------------------------------

/** One round's settings as written (in `defaults:` or a `rounds:` entry); all optional. */
export const roundSchema = z.strictObject({
  /** Policy server(s) and model. */
  policy: policySchema.optional(),
  /** PPM server(s) and model; required when qRule is ppm or mode is beam. */
  ppm: ppmSchema.optional(),
  /** mcts | beam. Default mcts. */
  mode: z.enum(SEARCH_MODES, { error: 'expected mcts or beam' }).optional(),
  /** MCTS rollouts per tree. Default 8 (round 1), 16 (later). */
  rollouts: count().optional(),
  /** Candidates sampled per expansion. Default 5 / 8 / 8 / 16 (rounds 1–4). */
  candidates: count(1024).optional(),
  /** Code steps per solution (the answer may follow the last), as rStar counts. Default 16. */
  maxDepth: count(1024).optional(),
  /**
   * Failed code steps in a row that end a branch (rStar's errors_threshold). Default 2 in round 1
   * (one failure tolerated, the bootstrap config), 1 after (the first failure is fatal).
   */
  errorsThreshold: count(1024).optional(),
  /** UCT exploration constant. Default 2. */
  c: z
    .number({ error: 'expected a non-negative number' })
    .min(0, { error: 'expected a non-negative number' })
    .optional(),
  /** Q annotation: terminal (rounds 1–2) | ppm (rounds 3–4). */
  qRule: z.enum(Q_RULES, { error: 'expected terminal or ppm' }).optional(),
  /** Independent trees per problem, each with its own seed. Default 1 (round 4: 2). */
  trees: count(64).optional(),
  /** Base seed; tree i uses seed + i. Default 0. */
  seed: seedInt().optional(),
  /** Beam width (mode beam only). Default 8. */
  beamWidth: count(4096).optional(),
  /**
   * Rollout budgets for problems still unsolved, tried in order (round 4: [64, 128]); each must
   * exceed the one before and `rollouts`. Default [] (round 4: [64, 128]).
   */
  escalation: z.array(count(), { error: 'expected a list of rollout counts' }).optional(),
  /** Sampling settings of the policy. */
  sampling: samplingSchema.optional(),
  /** Problems per shard job. Default 256. */
  shardSize: count(1_000_000).optional(),
  /**
   * Share of the round's shards (0–1) that may fail for good while the round still completes
   * (its datasets then lack those shards' problems). Above it the run stops before the train
   * hook, naming the failed shards; `rstar-fleet requeue --failed` and `run` again finish it.
   * Default 0: no failed shard.
   */
  maxFailedShardShare: share().optional(),
  /** Train and deploy hooks. */
  hooks: hooksSchema.optional(),
});
export type RoundInput = z.output<typeof roundSchema>;

// ---------------------------------------------------------------------------------------------
// Corpus, store, Redis, sandbox
// ---------------------------------------------------------------------------------------------

export const CORPUS_FORMATS = ['auto', 'jsonl', 'parquet'] as const;

export const corpusSchema = z.strictObject({
  /** A file path or URI (file://, s3://, https://) of the corpus. Required. */
  path: nonEmpty('a path or URI'),
  /** auto (by content) | jsonl | parquet. Default auto. */
  format: z
    .enum(CORPUS_FORMATS, { error: `expected one of ${CORPUS_FORMATS.join(', ')}` })
    .optional(),
  /** auto (from the first rows) or an adapter name. Default auto. */
  adapter: z
    .enum(['auto', ...ADAPTER_NAMES] as [string, ...string[]], {
      error: `expected one of auto, ${ADAPTER_NAMES.join(', ')}`,
    })
    .optional(),
  /** Label used in problem ids; default the file name without extension. */
  dataset: nonEmpty('a label').optional(),
});

/** Exactly one of `dir` (default `./runs`) or `s3`. Credentials come from the environment. */
export const storeSchema = z
  .strictObject({
    /** A directory (a shared volume on a cluster). */
    dir: nonEmpty('a directory').optional(),
    /** An S3-compatible bucket. */
    s3: z
      .strictObject({
        bucket: nonEmpty('a bucket name'),
        /** Key prefix. Default "". */
        prefix: z.string({ error: 'expected a string' }).optional(),
        /** Endpoint of a non-AWS service (MinIO, R2, …). Default: AWS. */
        endpoint: httpUrl.optional(),
        /** Default us-east-1. */
        region: nonEmpty('a region').optional(),
        /** Path-style addressing (MinIO). Default false. */
        forcePathStyle: z.boolean({ error: 'expected true or false' }).optional(),
      })
      .optional(),
  })
  .superRefine((store, ctx) => {
    if ((store.dir === undefined) === (store.s3 === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'expected exactly one of dir, s3' });
    }
  });

export const redisSchema = z.strictObject({
  /** redis:// or rediss:// URL, without a password. Default redis://127.0.0.1:6379. */
  url: nonEmpty('a redis:// URL')
    .refine((v) => isUrl(v, ['redis:', 'rediss:']), {
      error: 'expected a redis:// or rediss:// URL',
    })
    .optional(),
  /** Name of the environment variable holding the password (read by the service, not here). */
  passwordEnv: nonEmpty('an environment variable name')
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'expected an environment variable name' })
    .optional(),
  /**
   * Key prefix of the fleet's queues. Default `{rstar}` (braces: a Redis Cluster hash tag, so
   * all keys of a queue share a slot). Plans sharing one Redis need different prefixes.
   */
  prefix: nonEmpty('a key prefix')
    .regex(/^[^:\s]+$/, { error: 'expected a prefix without ":" or spaces' })
    .optional(),
});

export const sandboxSchema = z.strictObject({
  /** gRPC addresses (host:port) of the sandbox service. Default [127.0.0.1:50051]. */
  addresses: z
    .array(hostPort, { error: 'expected a list of host:port addresses' })
    .min(1, { error: 'expected at least one address' })
    .optional(),
});

// ---------------------------------------------------------------------------------------------
// Evaluation of every round's models
// ---------------------------------------------------------------------------------------------

/** A benchmark by name (`math500`, `synth-heldout`, …), or a file read through an adapter. */
export const evalBenchmarkSchema = z.union(
  [
    z.enum(BENCHMARK_NAMES as [string, ...string[]], {
      error: `expected a benchmark name (${BENCHMARK_NAMES.join(', ')}) or {file}`,
    }),
    z.strictObject({
      /** A JSONL or Parquet file of problems with answers. */
      file: nonEmpty('a file path'),
      /** auto (from the first rows) or an adapter name. Default auto. */
      adapter: z
        .enum(['auto', ...ADAPTER_NAMES] as [string, ...string[]], {
          error: `expected one of auto, ${ADAPTER_NAMES.join(', ')}`,
        })
        .optional(),
      /** Label in reports and metrics. Default: the file name without extension. */
      name: nonEmpty('a label')
        .regex(/^[A-Za-z0-9._-]+$/, { error: 'expected letters, digits, ".", "_" and "-"' })
        .optional(),
    }),
  ],
  { error: `expected a benchmark name (${BENCHMARK_NAMES.join(', ')}) or {file}` },
);

/** Test-time search settings of the evaluation (defaults: rStar's `sft_eval_mcts`). */
export const evalTestTimeSchema = z.strictObject({
  /** Runs of one problem in flight at once on a worker. Default 4. */
  concurrentRuns: count(4096).optional(),
  /** System 2's MCTS: candidates 32, rollouts 12, maxDepth 16, c 2 by default. */
  mcts: z
    .strictObject({
      candidates: count(1024).optional(),
      rollouts: count().optional(),
      maxDepth: count(1024).optional(),
      c: z.number({ error: 'expected a non-negative number' }).min(0).optional(),
    })
    .optional(),
  /** Step beam search: candidates 8, beamWidth 8, maxDepth 16 by default. */
  beam: z
    .strictObject({
      candidates: count(1024).optional(),
      beamWidth: count(4096).optional(),
      maxDepth: count(1024).optional(),
    })
    .optional(),
  /** Steps of a sampled full solution (greedy, maj, best-of-n). Default 16. */
  solutionMaxDepth: count(1024).optional(),
  /** rStar's final stage: majority (plain | weighted) over the topK best runs. Default 4, plain. */
  selection: z
    .strictObject({
      topK: count(65_536).optional(),
      vote: z.enum(['plain', 'weighted'], { error: 'expected plain or weighted' }).optional(),
    })
    .optional(),
});

/**
 * `evaluate:` — after each round's deploy hook the orchestrator evaluates the new models on these
 * benchmarks (and, with `baseline`, the plan's starting models before round 1), through the
 * fleet's workers; status, stats, metrics and the dashboard show the round-by-round table.
 */
export const evaluateSchema = z.strictObject({
  /** At least one benchmark. */
  benchmarks: z
    .array(evalBenchmarkSchema, { error: 'expected a list of benchmarks' })
    .min(1, { error: 'expected at least one benchmark' }),
  /** Test-time modes. Default [greedy, system2] (the policy alone; policy + PPM). */
  modes: z
    .array(z.enum(TEST_TIME_MODES, { error: `expected one of ${TEST_TIME_MODES.join(', ')}` }), {
      error: 'expected a list of modes',
    })
    .min(1, { error: 'expected at least one mode' })
    .optional(),
  /** Runs (trajectories) per problem for every mode but greedy. Default 64 (rStar's headline). */
  runs: count(65_536).optional(),
  /** Problems per benchmark, a seeded sample. Default: all of them. */
  sample: count().optional(),
  /** Seed of the sample and of the runs (run k uses seed + k). Default 0. */
  seed: seedInt().optional(),
  /** Also evaluate the plan's round-1 models before round 1 (row 0 of the table). Default true. */
  baseline: z.boolean({ error: 'expected true or false' }).optional(),
  /** Problems per eval shard job. Default 16. */
  shardSize: count(1_000_000).optional(),
  /** Share of eval shards (0–1) that may fail for good while the report is still written. Default 0. */
  maxFailedShardShare: share().optional(),
  /**
   * The evaluated policy's sampling; the rest (topP, maxTokens) is its round's. `temperature`:
   * default 1, rStar's eval (sft_eval_mcts.yaml); greedy decodes at 0 whatever it is.
   */
  sampling: z.strictObject({ temperature: temperature.optional() }).optional(),
  testTime: evalTestTimeSchema.optional(),
});
export type EvaluateInput = z.output<typeof evaluateSchema>;

/** The whole plan file. */
export const planFileSchema = z.strictObject({
  /** Run name, the prefix of run ids (`{run}`). Default `run`. */
  name: nonEmpty('a name')
    .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'expected lowercase letters, digits and dashes' })
    .optional(),
  corpus: corpusSchema,
  store: storeSchema.optional(),
  redis: redisSchema.optional(),
  sandbox: sandboxSchema.optional(),
  /** Settings every round inherits (a round's own keys win; objects merge key by key). */
  defaults: roundSchema.optional(),
  /** A list of rounds, or a count of default rounds (`4` = the paper's four). Default 4. */
  rounds: z
    .union([count(64), z.array(roundSchema).min(1, { error: 'expected at least one round' })], {
      error: 'expected a round count or a list of rounds',
    })
    .optional(),
  /** Evaluate every round's models (optional; see evaluateSchema). */
  evaluate: evaluateSchema.optional(),
});
export type PlanFile = z.output<typeof planFileSchema>;
