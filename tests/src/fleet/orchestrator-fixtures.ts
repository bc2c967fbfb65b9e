import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthRecord } from '@rstar-fleet/corpus';
import { DEFAULT_CHECKPOINT } from '@rstar-fleet/model-sim';
import type { SearchRecord } from '@rstar-fleet/protocol';
import { readShardResults, type ArtifactStore } from '@rstar-fleet/store';

/**
 * Fixtures of the orchestrator suites: a small corpus with malformed lines, a node hook script
 * whose deploy step loads a checkpoint into the real simulator over HTTP, and a two-round plan
 * pointing at the fleet services of harness.ts (real sandbox, real simulator, real
 * `rstar-fleet worker` processes).
 */

export const PROBLEMS = 10;

/** Synthetic problems with two malformed lines (line 3: not JSON; line 6: no answer). */
export function writeCorpus(dir: string): string {
  const lines = Array.from({ length: PROBLEMS }, (_, i) => {
    const r = synthRecord(7, i);
    return JSON.stringify({
      id: `p${i}`,
      problem: r.problem,
      answer: r.answer,
      difficulty: r.difficulty,
    });
  });
  lines.splice(2, 0, '{"problem": "broken');
  lines.splice(5, 0, JSON.stringify({ problem: 'What is 1+1?' }));
  const path = join(dir, 'corpus.jsonl');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

/**
 * The train/deploy hook: logs its call next to the round directories and prints a log line,
 * then the result line (a model named after the hook and round, plus an audit). The deploy step
 * really deploys: it loads the base checkpoint renamed `deploy-r<round>` into the simulator
 * (`POST /admin/load`), so the next round's policy model `sim-policy-deploy-r<round>` is one the
 * simulator serves. It fails while a file `fail-hook` exists in `dir`; while a file `hang-hook`
 * exists it writes `hook-hung`, then ignores SIGTERM and never ends.
 */
export function writeHookScript(dir: string, options: { ppm?: boolean } = {}): string {
  const base = join(dir, 'base-checkpoint.json');
  writeFileSync(base, JSON.stringify(DEFAULT_CHECKPOINT));
  const path = join(dir, 'hook.js');
  writeFileSync(
    path,
    [
      'const [kind, round, sft, out, simUrl] = process.argv.slice(2);',
      "const fs = require('node:fs');",
      `if (fs.existsSync(${JSON.stringify(join(dir, 'fail-hook'))})) { console.error('trainer crashed'); process.exit(2); }`,
      // A hook that will not stop: it ignores SIGTERM and never finishes (a forced shutdown's case).
      `if (fs.existsSync(${JSON.stringify(join(dir, 'hang-hook'))})) { process.on('SIGTERM', () => {}); fs.writeFileSync(${JSON.stringify(join(dir, 'hook-hung'))}, kind + ' ' + round); setInterval(() => {}, 1000); return; }`,
      "const rows = fs.readFileSync(sft, 'utf8').split('\\n').filter(Boolean).length;",
      "fs.appendFileSync(out + '/../hook-calls.log', kind + ' ' + round + '\\n');",
      "console.log('training on ' + rows + ' rows');",
      "const name = kind + '-r' + round;",
      options.ppm === true
        ? "const done = () => console.log(JSON.stringify({ policy: { model: 'sim-policy-' + name }, ppm: { model: 'sim-ppm-' + name }, audit: { rows } }));"
        : "const done = () => console.log(JSON.stringify({ policy: { model: 'sim-policy-' + name }, audit: { rows } }));",
      "if (kind !== 'deploy') { done(); } else {",
      `  const checkpoint = { ...JSON.parse(fs.readFileSync(${JSON.stringify(base)}, 'utf8')), name };`,
      "  fetch(simUrl + '/admin/load', { method: 'POST', headers: { 'content-type': 'application/json' },",
      '    body: JSON.stringify({ checkpoint }), signal: AbortSignal.timeout(10000) })',
      "    .then((res) => { if (!res.ok) throw new Error('load: HTTP ' + res.status); done(); })",
      '    .catch((err) => { console.error(String(err)); process.exit(3); });',
      '}',
    ].join('\n'),
  );
  return path;
}

/** Puts the simulator back on the base checkpoint (`sim-policy-r0`), as a fresh deployment. */
export async function resetSimulator(simUrl: string): Promise<void> {
  const res = await fetch(`${simUrl}/admin/load`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ checkpoint: DEFAULT_CHECKPOINT }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`resetting the simulator: HTTP ${res.status}`);
}

/** Where the plan's services are (harness.ts FleetServices). */
export interface PlanServices {
  redisUrl: string;
  /** gRPC address of the sandbox. */
  sandbox: string;
  simUrl: string;
}

/**
 * Two rounds: round 2 escalates unsolved problems (maxDepth 8 solves some, leaves most). `services`
 * is where the fleet runs; a bare Redis URL is for suites that run no worker (no sandbox, and a
 * policy endpoint nothing listens on). With `ppm`, the simulator's PPM too (the deploy hook then
 * names the PPM it loaded as well), and `extra` is appended (a plan section).
 */
export function planText(
  dir: string,
  services: PlanServices | string,
  prefix: string,
  options: { ppm?: boolean; extra?: string } = {},
): string {
  const { redisUrl, sandbox, simUrl } =
    typeof services === 'string'
      ? { redisUrl: services, sandbox: undefined, simUrl: 'http://127.0.0.1:9' }
      : services;
  const corpus = writeCorpus(dir);
  const hook = writeHookScript(dir, { ppm: options.ppm === true });
  const ppm =
    options.ppm === true ? `  ppm: { endpoints: ['${simUrl}'], model: sim-ppm-r0 }\n` : '';
  return `
name: orch-test
corpus: { path: ${corpus} }
store: { dir: ${join(dir, 'store')} }
redis: { url: ${redisUrl}, prefix: '${prefix}' }
${sandbox === undefined ? '' : `sandbox: { addresses: ['${sandbox}'] }\n`}defaults:
  policy: { endpoints: ['${simUrl}'], model: sim-policy-r0 }
${ppm}  qRule: terminal
  candidates: 2
  maxDepth: 8
  shardSize: 4
  hooks:
    train: { command: [node, ${hook}, train, '{round}', '{sft}', '{out}', '${simUrl}'] }
    deploy: { command: [node, ${hook}, deploy, '{round}', '{sft}', '{out}', '${simUrl}'] }
rounds:
  # Round 1 tolerates one failed shard of its three (the poison-shard test).
  - { rollouts: 2, maxFailedShardShare: 0.5 }
  - { rollouts: 1, escalation: [3] }
${options.extra ?? ''}`;
}

/**
 * Damages a shard's input file in the store (a line that is not JSON after the first record),
 * so the worker fails the shard for good naming `file:line`; returns a function that repairs it.
 */
export function breakShardInput(
  storeDir: string,
  run: string,
  round: number,
  shard: number,
): () => void {
  const path = join(storeDir, 'runs', run, `round-${round}`, 'shards', `${shard}.jsonl`);
  const original = readFileSync(path, 'utf8');
  const [first, ...rest] = original.split('\n');
  writeFileSync(path, [first, '{"id": "damaged', ...rest].join('\n'));
  return () => writeFileSync(path, original);
}

/** Every record of shards [0, shards) of a round (a shard that never ran has none). */
export async function readAll(
  store: ArtifactStore,
  run: string,
  round: number,
  shards: number,
): Promise<SearchRecord[]> {
  const records: SearchRecord[] = [];
  for (let s = 0; s < shards; s++) {
    try {
      for await (const r of readShardResults(store, run, round, s)) records.push(r);
    } catch {
      // no results file: the shard never ran
    }
  }
  return records;
}

export function jsonl(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Polls `check` until it holds; fails after `timeoutMs` (so a hung step fails, not the suite). */
export async function waitFor(check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
