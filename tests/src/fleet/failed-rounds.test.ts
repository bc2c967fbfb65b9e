import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RunStatus } from '@rstar-fleet/orchestration';
import {
  cliScript,
  expectConsistentRound,
  startFleet,
  unitCounts,
  waitFor,
  type TestFleet,
} from './harness';

/**
 * DESIGN §8, "a failed round never looks like success", through the whole fleet (separate
 * processes): a round whose shards fail for good stops the run before training, loudly, and is
 * finished by `requeue --failed` + `run` again; with Redis down, `status` still tells what the
 * store knows.
 */

jest.setTimeout(300_000);

const execFileAsync = promisify(execFile);

let fleet: TestFleet | null = null;
afterEach(async () => {
  await fleet?.teardown();
  fleet = null;
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `rstar-fleet <args> --plan <plan> --run <run>` as an operator runs it (bounded: 60 s). */
async function cli(f: TestFleet, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await execFileAsync(
      process.execPath,
      [cliScript, ...args, '--plan', f.planPath, '--run', f.run],
      { cwd: f.dir, timeout: 60_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: unknown; stdout?: string; stderr?: string };
    return {
      code: typeof e.code === 'number' ? e.code : -1,
      stdout: e.stdout ?? '',
      stderr: e.stderr ?? '',
    };
  }
}

/** Distinct problems with a record in round `round`'s results logs (what was written). */
function problemsWritten(runDir: string, round: number): number {
  const dir = join(runDir, `round-${round}`, 'results');
  if (!existsSync(dir)) return 0;
  const ids = new Set<string>();
  for (const name of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      if (line !== '') ids.add((JSON.parse(line) as { problemId: string }).problemId);
    }
  }
  return ids.size;
}

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: 10_000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

describe('failed rounds and outages (separate processes)', () => {
  it('stops before training when a round’s shards fail for good; requeue + run finish it', async () => {
    const problems = 6;
    fleet = await startFleet({
      problems,
      rounds: 2,
      shardSize: 3,
      budgets: [
        { rollouts: 2, candidates: 2 },
        { rollouts: 2, candidates: 2 },
      ],
      // A short outage budget and 2 attempts: the shards fail for good within seconds.
      worker: { args: ['--outage-budget-ms', '1500'] },
      orchestratorArgs: ['--shard-attempts', '2', '--shard-backoff-ms', '200'],
    });
    const f = fleet;
    await f.stopSandbox();

    const first = await f.startOrchestrator();
    expect(await first.exited).toEqual({ code: 75, signal: null });
    expect(first.output()).not.toContain(' done: ');
    expect(first.output()).toContain('round failed; the run stops');

    // Stopped before the train hook: no hook ran, no round 2.
    const state = f.runState();
    expect(state.status).toBe('failed');
    expect(state.error).toContain('round 1: 2 of 2 shard(s) failed for good');
    expect(state.error).toContain('shard 0 (phase 0');
    expect(state.error).toContain('shard 1 (phase 0');
    expect(state.error).toContain('dependency unavailable for');
    expect(state.rounds[0]?.hooks).toEqual({ train: null, deploy: null });
    expect(state.rounds[0]?.status).not.toBe('done');
    expect(state.rounds[0]?.failedShards.map((s) => s.shard).sort()).toEqual([0, 1]);
    expect(state.rounds[1]?.status).toBe('pending');
    expect(existsSync(join(f.runDir, 'round-2', 'round.json'))).toBe(false);
    expect(existsSync(join(f.runDir, 'round-1', 'sft.jsonl'))).toBe(false);

    // Status names the failed shards and why, and counts only what was written.
    const failed = await f.status();
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(state.error);
    expect(failed.failures.map((x) => x.shard).sort()).toEqual([0, 1]);
    for (const x of failed.failures) {
      expect(x.reason).toContain('dependency unavailable for');
      expect(x.attempts).toBe(2);
    }
    const written = problemsWritten(f.runDir, 1);
    expect(written).toBeLessThan(problems);
    expect(failed.problems).toMatchObject({ total: problems, done: written });
    expect(failed.redis.reachable).toBe(true);

    // The operator brings the sandbox back. Fresh workers: the old ones' gRPC reconnect backoff
    // could outlast this test's short outage budget.
    await Promise.all(f.workers.map((w) => w.stop(5_000)));
    await f.startSandbox();
    await Promise.all([f.addWorker(), f.addWorker()]);
    const requeued = await cli(f, 'requeue', '--failed');
    expect(requeued.code).toBe(0);
    expect(requeued.stdout).toContain('requeued round 1 shard 0 (was failed)');
    expect(requeued.stdout).toContain('requeued round 1 shard 1 (was failed)');

    const second = await f.runToCompletion();
    expect(second.output()).toContain(`run ${f.run} done: 2 round(s)\n`);
    expect(f.runState()).toMatchObject({ status: 'done', error: null });
    for (const round of [1, 2]) {
      const files = await f.readRound(round);
      expectConsistentRound(files, problems);
      expect(files.stats.failedShards).toEqual([]);
      expect([...unitCounts(files).values()].every((n) => n === 1)).toBe(true);
      expect(f.runState().rounds[round - 1]?.hooks.train?.status).toBe('succeeded');
    }
    const done = await f.status();
    expect(done.problems).toMatchObject({ total: problems, done: problems });
    expect(done.failures).toEqual([]);
  });

  it('with Redis down, status shows what the store knows and says Redis is unreachable', async () => {
    fleet = await startFleet({ problems: 3, rounds: 1, workers: 0, privateRedis: true });
    const f = fleet;
    const orch = await f.startOrchestrator();
    const port = orch.info.httpPort;
    await waitFor(
      async () => (await httpGet(port, '/readyz')).status === 200,
      60_000,
      'orchestrator ready',
    );
    expect(f.runState().rounds[0]?.status).toBe('searching');

    // Redis is killed and stays down while we look.
    const back = f.restartRedis('SIGKILL', 25_000);
    await waitFor(
      async () => (await httpGet(port, '/readyz')).status === 503,
      20_000,
      '/readyz 503 while Redis is down',
    );
    const http = await httpGet(port, '/status');
    expect(http.status).toBe(200);
    const fromHttp = JSON.parse(http.body) as RunStatus;
    expect(fromHttp).toMatchObject({ run: f.run, status: 'running', round: 1 });
    expect(fromHttp.redis).toMatchObject({ address: f.redisUrl, reachable: false });

    const text = await cli(f, 'status');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`run ${f.run}: running`);
    expect(text.stdout).toContain(`REDIS    unreachable at ${f.redisUrl}: `);
    expect(text.stdout).toContain('  problems 0/3 done');
    const json = await cli(f, 'status', '--json');
    expect(json.code).toBe(0);
    const status = JSON.parse(json.stdout) as RunStatus;
    expect(status).toMatchObject({
      run: f.run,
      status: 'running',
      round: 1,
      roundStatus: 'searching',
      problems: { total: 3, done: 0 },
    });
    expect(status.redis.reachable).toBe(false);
    expect(status.redis.address).toBe(f.redisUrl);
    expect(status.redis.error).not.toBeNull();

    await back;
    await waitFor(
      async () => (await httpGet(port, '/readyz')).status === 200,
      60_000,
      '/readyz 200 once Redis is back',
    );
    expect((await f.status()).redis.reachable).toBe(true);
  });
});
