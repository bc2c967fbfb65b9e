/**
 * The names of the inference server kinds and score transforms a plan may name and a round
 * manifest carries. They live here, once: the plan schema (packages/config) and the manifest
 * schema accept exactly these, and packages/inference keys one implementation by each name
 * (a `Record<name, …>`), so adding a name is one edit here plus its implementation, and a name
 * cannot pass `plan check` and then make manifests unreadable.
 */

/** Policy servers: OpenAI-compatible completions. */
export const POLICY_DIALECTS = ['vllm', 'sglang', 'llamacpp', 'openai'] as const;
export type PolicyDialectName = (typeof POLICY_DIALECTS)[number];

/** PPM servers: vLLM `/classify` or `/pooling`, SGLang `/classify`. */
export const REWARD_DIALECTS = ['vllm-classify', 'vllm-pooling', 'sglang-classify'] as const;
export type RewardDialectName = (typeof REWARD_DIALECTS)[number];

/** The PPM head's raw output → the score the search uses (rStar-Math: tanh(x/5)). */
export const REWARD_TRANSFORMS = ['tanh5', 'identity', 'sigmoid'] as const;
export type RewardTransformName = (typeof REWARD_TRANSFORMS)[number];

/** How a round searches: MCTS, or step-level beam search ranked by the PPM. */
export const SEARCH_MODES = ['mcts', 'beam'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** How MCTS annotates Q: terminal outcomes only (rounds 1–2) or PPM-initialised (rounds 3–4). */
export const Q_RULES = ['terminal', 'ppm'] as const;
export type QRule = (typeof Q_RULES)[number];

/**
 * Test-time search modes (DESIGN §10; the search lives in @rstar-fleet/mcts/test-time):
 * - `system2`: rStar-Math's System 2 — independent MCTS runs with the PPM scoring every new
 *   node, each run's highest-PPM answer, then a majority over the top-K of those;
 * - `greedy`: the policy alone at temperature 0, one solution (pass@1);
 * - `maj`: sampled full solutions, plain majority of their answers (maj@k);
 * - `best-of-n`: sampled full solutions, the one whose answer the PPM scores highest;
 * - `beam`: step-level beam searches ranked by the PPM, chosen among as in `system2`.
 */
export const TEST_TIME_MODES = ['system2', 'greedy', 'maj', 'best-of-n', 'beam'] as const;
export type TestTimeMode = (typeof TEST_TIME_MODES)[number];
