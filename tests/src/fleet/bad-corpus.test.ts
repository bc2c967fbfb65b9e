import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Queue } from 'bullmq';
import { SHARD_QUEUE, bullConnection } from '@rstar-fleet/queue';
import { cliScript, expectConsistentRound, startFleet, type TestFleet } from './harness';

/**
 * Bad corpus files through the whole fleet (real Redis, sandbox, simulator, workers, and
 * `rstar-fleet run` as a process): a JSON array stops the run at ingest, loudly, before any
 * search; a line of invalid UTF-8 is a counted, located reject while the other problems run.
 */

jest.setTimeout(240_000);

let fleet: TestFleet | null = null;
afterEach(async () => {
  await fleet?.teardown();
  fleet = null;
});

interface Exit {
  code: number | null;
  output: string;
}

/** `rstar-fleet run` on the fleet's plan, to its exit. */
function runOrchestrator(f: TestFleet): Promise<Exit> {
  const args = [cliScript, 'run', '--plan', f.planPath, '--run', f.run, '--http-port', '0'];
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...args, '--no-progress'],
      {
        cwd: f.dir,
        env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: f.dir },
        timeout: 180_000,
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
        resolve({ code, output: `${stdout}${stderr}` });
      },
    );
  });
}

async function shardJobCount(f: TestFleet): Promise<number> {
  const queue = new Queue(SHARD_QUEUE, {
    connection: bullConnection({ url: f.redisUrl, role: 'producer', connectionName: 'bad-corpus' }),
    prefix: f.prefix,
  });
  try {
    const counts = await queue.getJobCounts();
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await queue.close();
  }
}

describe('a bad corpus file', () => {
  it('given as a JSON array, stops the run at ingest naming the file, before any shard is queued', async () => {
    fleet = await startFleet({ problems: 4, rounds: 1, workers: 1 });
    const f = fleet;
    // The same problems, written the way `json.dump(rows, f, indent=2)` would.
    const rows = readFileSync(f.corpusPath, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    writeFileSync(f.corpusPath, JSON.stringify(rows, null, 2));

    const exit = await runOrchestrator(f);
    expect(exit.code).toBe(65);
    expect(exit.output).toContain(`${f.corpusPath}: corpus has no valid problems`);
    expect(exit.output).toContain('a JSON array, not JSONL');
    // Never a train hook failing later on an empty dataset, and nothing for the workers.
    expect(exit.output).not.toMatch(/hook/);
    expect(await shardJobCount(f)).toBe(0);
    expect(existsSync(join(f.runDir, 'round-1'))).toBe(false);
    expect(f.runState().ingest).toBeNull();
    // run.json says why, for `status` and for whoever reads the store.
    expect(f.runState()).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('a JSON array, not JSONL') as unknown,
    });
    // What was rejected, line by line, is kept for the operator.
    expect(readFileSync(join(f.runDir, 'rejects.jsonl'), 'utf8')).toContain(
      `"where":"${f.corpusPath}:1"`,
    );
  });

  it('with a line of invalid UTF-8, runs the other problems and counts that line as a reject with its place', async () => {
    const problems = 6;
    fleet = await startFleet({ problems, rounds: 1 });
    const f = fleet;
    // Latin-1 "café" inside an otherwise valid record: line 7, after the 6 synthetic problems.
    appendFileSync(
      f.corpusPath,
      Buffer.concat([
        Buffer.from('{"id": "latin1", "problem": "How many letters has caf'),
        Buffer.from([0xe9]),
        Buffer.from('?", "answer": "4"}\n'),
      ]),
    );
    await f.runToCompletion();
    const files = await f.readRound(1);
    expectConsistentRound(files, problems);
    expect(files.records.some((r) => r.question.includes('caf'))).toBe(false);
    expect(files.stats.rejects.total).toBe(1);
    expect(files.stats.rejects.byReason['invalid-utf8']).toBe(1);
    expect(f.runState().ingest).toMatchObject({ problems, rejects: 1 });
    const rejects = readFileSync(join(f.runDir, 'rejects.jsonl'), 'utf8').trim().split('\n');
    expect(rejects.map((l) => JSON.parse(l) as unknown)).toEqual([
      expect.objectContaining({
        where: `${f.corpusPath}:7`,
        file: f.corpusPath,
        line: 7,
        reason: 'invalid-utf8',
      }),
    ]);
  });
});
