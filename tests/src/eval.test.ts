import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freePort } from '@rstar-fleet/local-fleet';
import type { EvalReport } from '@rstar-fleet/evaluation';
import {
  evalRunKey,
  parseEvalManifest,
  parseEvalRunRecordJson,
  type EvalRunRecord,
} from '@rstar-fleet/protocol';
import { cliScript, startFleet, waitFor, type TestFleet } from './fleet/harness';

/**
 * `rstar-fleet eval` end to end through real processes: a private Redis, the gRPC sandbox, the
 * SIMULATED model server and two rollout workers, the eval command itself a separate process.
 * One worker is killed by SIGKILL mid-evaluation; every (benchmark, mode, problem, seed) is then
 * in the results logs exactly once, the report is complete, and `eval --report` recounts it
 * equal from the records alone.
 */

jest.setTimeout(300_000);

const PROBLEMS = 12;
const SYSTEM2_RUNS = 4;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** `rstar-fleet eval ...` as a child process; `onStderr` sees its progress as it comes. */
function evalCli(
  fleet: TestFleet,
  args: readonly string[],
  onStderr: (text: string) => void = () => {},
): Promise<Exit> {
  return fleetCli(fleet, 'eval', args, onStderr);
}

/** `rstar-fleet <command> --plan <the fleet's> --run <its run> ...` as a child process. */
function fleetCli(
  fleet: TestFleet,
  command: string,
  args: readonly string[],
  onStderr: (text: string) => void = () => {},
): Promise<Exit> {
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [cliScript, command, '--plan', fleet.planPath, '--run', fleet.run, ...args],
    {
      cwd: fleet.dir,
      env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: fleet.dir },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
    onStderr(stderr);
  });
  children.add(child);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    }),
  );
}

/** Eval commands still running (a test failed half-way): killed in afterAll. */
const children = new Set<ChildProcess>();

/** Every complete results-log line of an evaluation (locks and a torn last line left out). */
function resultLines(dir: string): { lines: string[]; records: EvalRunRecord[] } {
  const results = join(dir, 'results');
  const logs = existsSync(results) ? readdirSync(results).filter((f) => f.endsWith('.jsonl')) : [];
  const lines = logs.flatMap((f) => {
    const text = readFileSync(join(results, f), 'utf8');
    return text
      .slice(0, text.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((l) => l !== '');
  });
  return { lines, records: lines.map((l) => parseEvalRunRecordJson(l)) };
}

describe('rstar-fleet eval (real Redis, sandbox, simulator, worker processes)', () => {
  let fleet: TestFleet;

  beforeAll(async () => {
    // A short lock: a killed worker's eval shard runs again elsewhere within seconds.
    fleet = await startFleet({ problems: 12, workers: 2, worker: { lockDurationMs: 6_000 } });
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await fleet?.teardown();
  });

  it('evaluates synth-heldout exactly once per run through a worker kill -9, and recounts the report', async () => {
    const evalDir = join(fleet.runDir, 'round-0', 'eval', 'eval');
    const running = evalCli(fleet, [
      ...['--round', '0', '--benchmark', 'synth-heldout', '--synth-count', String(PROBLEMS)],
      ...['--modes', 'greedy,system2', '--runs', String(SYSTEM2_RUNS), '--seed', '5'],
      ...['--candidates', '3', '--rollouts', '3', '--shard-size', '2', '--poll-ms', '200'],
      '--json',
    ]);
    // kill -9 of a worker once the evaluation has written some records and not all of them.
    const expected = PROBLEMS * (1 + SYSTEM2_RUNS);
    await waitFor(() => resultLines(evalDir).lines.length > 0, 120_000, 'the first eval records');
    const before = resultLines(evalDir).lines.length;
    expect(before).toBeLessThan(expected);
    await fleet.killWorker(0);
    // As a supervisor would: a worker takes its place.
    await fleet.addWorker();
    const done = await running;
    expect(`exit ${done.code}\n${done.code === 0 ? '' : done.stderr}`).toBe('exit 0\n');

    // Every (benchmark, mode, problem, seed) exactly once.
    const manifest = parseEvalManifest(readFileSync(join(evalDir, 'eval.json'), 'utf8'), {});
    const problems = readdirSync(join(evalDir, 'shards')).flatMap((f) =>
      readFileSync(join(evalDir, 'shards', f), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { id: string }).id),
    );
    expect(problems).toHaveLength(PROBLEMS);
    const wanted = new Set(
      problems.flatMap((problemId) =>
        manifest.modes.flatMap((m) =>
          Array.from({ length: m.runs }, (_, k) =>
            evalRunKey({ benchmark: 'synth-heldout', mode: m.mode, problemId, seed: 5 + k }),
          ),
        ),
      ),
    );
    const { records } = resultLines(evalDir);
    const keys = records.map((r) => evalRunKey(r));
    expect(keys).toHaveLength(expected);
    expect(new Set(keys)).toEqual(wanted);

    // The report: complete, as stored, and the same numbers recounted from the records alone.
    const printed = JSON.parse(done.stdout) as EvalReport;
    const stored = JSON.parse(readFileSync(join(evalDir, 'report.json'), 'utf8')) as EvalReport;
    expect(printed).toEqual(stored);
    expect(stored).toMatchObject({ round: 0, evaluation: 'eval', complete: true, simulated: true });
    expect(stored.benchmarks[0]?.modes.map((m) => [m.mode, m.recordedRuns])).toEqual([
      ['greedy', PROBLEMS],
      ['system2', PROBLEMS * SYSTEM2_RUNS],
    ]);
    expect(readFileSync(join(evalDir, 'report.md'), 'utf8')).toContain('synth-heldout');
    expect(readFileSync(join(evalDir, 'report.svg'), 'utf8')).toMatch(/^<svg/);
    const recount = await evalCli(fleet, ['--report', '--round', '0', '--json']);
    expect({ code: recount.code, stderr: recount.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(recount.stdout)).toEqual(stored);

    // `rstar-fleet run` never began this run (no run.json): status shows it by its evaluation.
    const status = await fleetCli(fleet, 'status', []);
    expect({ code: status.code, stderr: status.stderr }).toEqual({ code: 0, stderr: '' });
    expect(status.stdout).toContain(`run ${fleet.run}: not started (no run.json`);
    expect(status.stdout).toMatch(
      new RegExp(`eval +round 0 "eval": reported, \\d+/${expected} runs`),
    );
    expect(status.stdout).toMatch(/synth-heldout system2: \d+\.\d %/);

    // The same command again: nothing to do, nothing recounted, the same report.
    const again = await evalCli(fleet, [
      ...['--round', '0', '--benchmark', 'synth-heldout', '--synth-count', String(PROBLEMS)],
      ...['--modes', 'greedy,system2', '--runs', String(SYSTEM2_RUNS), '--seed', '5'],
      ...['--candidates', '3', '--rollouts', '3', '--shard-size', '2', '--json'],
    ]);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('resuming evaluation "eval"');
    expect(JSON.parse(again.stdout)).toEqual(stored);
    expect(resultLines(evalDir).lines).toHaveLength(expected);
  });

  it('refuses other settings under the same name, naming what differs', async () => {
    const res = await evalCli(fleet, [
      ...['--round', '0', '--benchmark', 'synth-heldout', '--synth-count', String(PROBLEMS)],
      ...['--modes', 'greedy', '--seed', '6', '--no-probe'],
    ]);
    expect(res.code).toBe(78);
    expect(res.stderr).toMatch(/evaluation "eval" .* exists with other settings \(.*seed: 5 → 6/);
    expect(res.stderr).toContain('--name');
  });

  it('fails fast when System 2 cannot reach its PPM, naming the endpoint', async () => {
    const closed = await freePort();
    const res = await evalCli(fleet, [
      ...['--policy', fleet.simUrl, '--policy-model', 'sim-policy-r0'],
      ...['--ppm', `http://127.0.0.1:${closed}`, '--ppm-model', 'sim-ppm-r0'],
      ...['--modes', 'system2', '--benchmark', 'synth-heldout', '--synth-count', '4'],
      ...['--probe-timeout-ms', '2000'],
    ]);
    expect(res.code).toBe(69);
    expect(res.stderr).toContain(`127.0.0.1:${closed}`);
    expect(res.stderr).toMatch(/ppm/i);
    expect(res.ms).toBeLessThan(15_000);
    // Nothing was enqueued or written for it.
    expect(existsSync(join(fleet.runDir, 'round-0', 'eval', 'custom'))).toBe(false);
  });
});
