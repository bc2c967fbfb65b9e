import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { RunState } from '@rstar-fleet/orchestration';
import {
  cliScript as cli,
  expectConsistentRound,
  processesIn,
  readRoundFiles,
  repoRoot,
  resultLineCount,
  waitFor,
} from './fleet/harness';

/**
 * `rstar-fleet demo` survives `kill -9` of each kind of child mid-round (DESIGN §8), as a user
 * would do it: one demo run, each kill at its own moment while a round searches, the next once
 * the supervisor has brought the last one back.
 *
 *   round 1: a rollout worker (BullMQ hands its stalled shard to a worker, which skips the units
 *            already written), then the sandbox (back on the same port);
 *   round 2: the simulator (back on the same port serving the checkpoint round 1 deployed: one
 *            on the base checkpoint would refuse every request for sim-policy-r1), then the
 *            private Redis (back with queues, locks and the run's lease from its AOF).
 *
 * The demo must finish with every problem's search unit written exactly once in every round.
 */

jest.setTimeout(300_000);

const env = { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin` };
const PROBLEMS = 30;

/** How each kind of child is found among the demo's processes (their cwd is the store). */
const CHILDREN = {
  'worker-1': / worker --plan \S+ --name worker-1 /,
  sandbox: /rstar-fleet\.js sandbox /,
  'model-sim': /rstar-fleet\.js model-sim --host /,
  redis: /^\S*redis-server /,
} as const;
type ChildName = keyof typeof CHILDREN;

interface Kill {
  child: ChildName;
  pid: number;
  round: number;
  /** Result lines of the round written when it was killed (> 0: the round had started). */
  rowsBefore: number;
  /** Whether the round's search had ended (stats.json written) when it was killed. */
  roundEnded: boolean;
}

/** The demo's --out: the run, its logs, and every service's working directory. */
const out = mkdtempSync(join(tmpdir(), 'rstar-demo-kill-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('rstar-fleet demo under kill -9 of each kind of child', () => {
  it('restarts a killed worker, sandbox, simulator and Redis mid-round and writes every result exactly once', async () => {
    const demo = spawn(
      process.execPath,
      [cli, 'demo', '--problems', String(PROBLEMS), '--rounds', '2', '--out', out],
      { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    let stdout = '';
    demo.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    demo.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => demo.on('exit', resolve));
    let exitCode: number | null | undefined;
    void exited.then((code) => (exitCode = code));
    /** A condition that fails the wait at once when the demo has exited. */
    const whileRunning = (condition: () => boolean) => (): boolean => {
      if (exitCode !== undefined) throw new Error(`the demo exited (${exitCode}):\n${stderr}`);
      return condition();
    };
    const runDir = (): string => {
      const [run] = existsSync(join(out, 'runs')) ? readdirSync(join(out, 'runs')) : [];
      return run === undefined ? '' : join(out, 'runs', run);
    };
    const rows = (round: number): number => {
      const dir = join(runDir(), `round-${round}`, 'results');
      if (!existsSync(dir)) return 0;
      return readdirSync(dir).reduce(
        (sum, name) => sum + resultLineCount(runDir(), round, Number(name.replace('.jsonl', ''))),
        0,
      );
    };
    const kills: Kill[] = [];

    /** kill -9 of the child's process, mid-round; resolves once it is back. */
    const killMidRound = async (child: ChildName, round: number): Promise<void> => {
      await waitFor(
        whileRunning(() => rows(round) > 0),
        120_000,
        `round ${round}'s first result before killing ${child}`,
      );
      const line = processesIn(out).find((p) => CHILDREN[child].test(p.replace(/^\d+ /, '')));
      if (line === undefined) throw new Error(`no ${child} among ${processesIn(out).join('\n')}`);
      const pid = Number(line.split(' ')[0]);
      const roundEnded = existsSync(join(runDir(), `round-${round}`, 'stats.json'));
      const rowsBefore = rows(round);
      process.kill(pid, 'SIGKILL');
      kills.push({ child, pid, round, rowsBefore, roundEnded });
      const died = new RegExp(
        `^ {2}! ${child} \\(pid ${pid}\\) died at .*\\(signal SIGKILL\\)`,
        'm',
      );
      const back = new RegExp(`^ {2}${child} \\(pid (\\d+)\\) back at `, 'gm');
      const before = [...stderr.matchAll(back)].length;
      await waitFor(
        whileRunning(() => died.test(stderr) && [...stderr.matchAll(back)].length > before),
        120_000,
        `${child} (pid ${pid}) reported dead and back`,
      );
    };

    try {
      const round1 = whileRunning(() => stderr.includes('round 1: searching'));
      await waitFor(round1, 120_000, 'round 1');
      await killMidRound('worker-1', 1);
      await killMidRound('sandbox', 1);
      const round2 = whileRunning(() => stderr.includes('round 2: searching'));
      await waitFor(round2, 180_000, 'round 2');
      await killMidRound('model-sim', 2);
      await killMidRound('redis', 2);
      await waitFor(() => exitCode !== undefined, 240_000, 'the demo to finish');
    } finally {
      demo.kill('SIGKILL');
    }

    // Its console output in the diff when it failed.
    expect(`exit ${exitCode}\n${exitCode === 0 ? '' : stderr}`).toBe('exit 0\n');
    // Every kill hit a round that had results and had not ended: mid-round.
    for (const kill of kills) {
      expect(kill).toMatchObject({ roundEnded: false, rowsBefore: expect.any(Number) });
      expect(kill.rowsBefore).toBeGreaterThan(0);
    }
    expect(kills.map((k) => k.child)).toEqual(['worker-1', 'sandbox', 'model-sim', 'redis']);

    const run = runDir();
    const state = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as RunState;
    expect(state.status).toBe('done');
    for (const round of [1, 2]) {
      // Every search unit exactly once, every problem searched, stats matching the records.
      expectConsistentRound(await readRoundFiles(join(run, `round-${round}`)), PROBLEMS);
    }
    // The simulator came back serving what round 1 deployed.
    const simLog = readFileSync(join(run, 'demo', 'logs', 'model-sim.log'), 'utf8');
    expect(simLog.match(/SIMULATOR \(not a model\) serving \S+/g)).toEqual([
      'SIMULATOR (not a model) serving sim-policy-r0',
      'SIMULATOR (not a model) serving sim-policy-r1',
    ]);
    // The run's log has each death and return.
    const fleetLog = readFileSync(join(run, 'demo', 'logs', 'fleet.log'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { kind: string; child: string; pid: number });
    for (const kill of kills) {
      expect(fleetLog).toContainEqual(
        expect.objectContaining({ kind: 'crashed', child: kill.child, pid: kill.pid }),
      );
      expect(fleetLog).toContainEqual(
        expect.objectContaining({ kind: 'restarted', child: kill.child }),
      );
    }
    expect(stdout).toContain(`outputs: ${run}/`);
    expect(processesIn(out)).toEqual([]);
  });
});
