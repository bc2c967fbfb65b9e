import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { shardJobId } from '@rstar-fleet/protocol';
import { SHARD_QUEUE, bullConnection } from '@rstar-fleet/queue';
import { uniquePrefix } from '@rstar-fleet/queue/testing';
import { cliScript as bin, startFleetServices, type FleetServices } from './harness';
import { PROBLEMS, planText, waitFor } from './orchestrator-fixtures';

/**
 * `rstar-fleet run | status | requeue | extract` as operators run them (the built CLI as child
 * processes) against the real fleet of harness.ts: a private Redis, the gRPC sandbox, the
 * simulator over HTTP and `rstar-fleet worker` processes.
 */

jest.setTimeout(120_000);

let services: FleetServices;
let dir: string;
beforeAll(async () => {
  services = await startFleetServices();
  dir = mkdtempSync(join(tmpdir(), 'rstar-orch-cli-'));
});
afterAll(async () => {
  await services?.teardown();
  rmSync(dir, { recursive: true, force: true });
});

interface Done {
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(args: string[]): { child: ChildProcess; lines: string[]; done: Promise<Done> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
    lines.push(...c.toString().split('\n').filter(Boolean));
  });
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Done>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, lines, done };
}

const cli = (...args: string[]): Promise<Done> => start(args).done;

async function get(port: number, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, text: await res.text() };
}

describe('rstar-fleet run / status / requeue / extract (child processes)', () => {
  it('serves status over HTTP, stops on SIGTERM, resumes, and requeues + extracts a shard', async () => {
    const prefix = uniquePrefix('orchcli');
    const plan = join(dir, 'plan.yaml');
    writeFileSync(
      plan,
      planText(
        dir,
        {
          redisUrl: services.redisUrl,
          sandbox: services.sandbox.address,
          simUrl: services.simUrl,
        },
        prefix,
      ),
    );

    // No worker yet: the run ingests, enqueues round 1 and waits.
    const first = start([
      'run',
      '--plan',
      plan,
      '--http-port',
      '0',
      '--no-progress',
      '--grace-ms',
      '2000',
    ]);
    let port = 0;
    let run = '';
    await waitFor(async () => {
      const ready = first.lines
        .map((l) => JSON.parse(l) as { msg?: string; httpPort?: number; run?: string })
        .find((l) => l.msg === 'orchestrator ready');
      if (ready === undefined) return false;
      port = ready.httpPort ?? 0;
      run = ready.run ?? '';
      return (await get(port, '/readyz')).status === 200;
    });
    expect(run).toMatch(/^orch-test-[0-9a-f]{8}$/);
    expect((await get(port, '/livez')).status).toBe(200);
    const status = JSON.parse((await get(port, '/status')).text) as Record<string, unknown>;
    expect(status).toMatchObject({
      run,
      status: 'running',
      round: 1,
      roundStatus: 'searching',
      shards: { total: 3, waiting: 3 },
      problems: { total: PROBLEMS, done: 0 },
      rejects: { total: 2 },
    });
    expect((await get(port, '/metrics')).text).toContain(
      'rstar_round_shards{state="waiting",service="orchestrator"} 3',
    );
    const statusCli = await cli('status', '--plan', plan, '--json');
    expect(statusCli.code).toBe(0);
    expect(JSON.parse(statusCli.stdout)).toMatchObject({ run, round: 1, shards: { total: 3 } });
    const human = await cli('status', '--plan', plan, '--run', run);
    expect(human.stdout).toContain(`run ${run}: running`);
    expect(human.stdout).toMatch(/rejects {2}2 \(/);

    first.child.kill('SIGTERM');
    const stopped = await first.done;
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('run again to resume');

    // With workers, running the same plan again resumes and finishes the run.
    await services.startWorkers(plan, 2);
    try {
      const second = await cli('run', '--plan', plan, '--http-port', '0', '--no-progress');
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      expect(second.stdout).toContain(`run ${run} done: 2 round(s)`);
      expect(second.stdout).toContain('"msg":"round done"');

      // An operator re-runs shard 0 of round 1 and re-extracts the round.
      const requeued = await cli('requeue', '--plan', plan, '--shard', '0', '--round', '1');
      expect(requeued.code).toBe(0);
      expect(requeued.stdout).toContain('requeued round 1 shard 0 (was completed)');
      expect(requeued.stdout).toContain(
        `rstar-fleet extract --plan ${plan} --run ${run} --round 1`,
      );
      const queue = new Queue(SHARD_QUEUE, {
        connection: bullConnection({
          url: services.redisUrl,
          role: 'producer',
          connectionName: 't',
        }),
        prefix,
      });
      try {
        await waitFor(async () => (await queue.getJobState(shardJobId(run, 1, 0))) === 'completed');
        // Every unit was already written: the re-run skipped them all.
        expect((await queue.getJob(shardJobId(run, 1, 0)))?.returnvalue).toMatchObject({
          written: 0,
          skipped: 4,
        });
      } finally {
        await queue.close();
      }
      const extracted = await cli('extract', '--plan', plan, '--round', '1');
      expect(extracted.code).toBe(0);
      expect(extracted.stdout).toMatch(/^round 1: \d+\/10 solved/);
    } finally {
      await services.stopWorkers();
    }

    // Usage and lookup errors map to exit codes.
    const noTarget = await cli('requeue', '--plan', plan);
    expect(noTarget.code).toBe(65);
    expect(noTarget.stderr).toContain('expected exactly one of --failed, --stalled, --shard N');
    const missing = await cli('status', '--plan', plan, '--run', 'no-such-run');
    expect(missing.code).toBe(66);
    expect(missing.stderr).toContain('run no-such-run not found');
  });
});
