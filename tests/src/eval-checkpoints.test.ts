import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { LocalFleet, freePort } from '@rstar-fleet/local-fleet';
import { startSimulator, type SimulatorService } from '@rstar-fleet/cli';
import type { EvalReport } from '@rstar-fleet/evaluation';
import { cliScript, startFleet, type TestFleet } from './fleet/harness';

/**
 * Evaluation tells the self-evolution story: after four rounds of the fleet (real processes,
 * the SIMULATED model server trained and deployed by the hooks), the round-4 checkpoint answers
 * more held-out synthetic problems greedily than the round-1 checkpoint, by more than the
 * evaluation's own bootstrap interval. Both are evaluated through the fleet by `rstar-fleet eval`:
 * round 4's models as the run deployed them, round 1's from a second simulator serving its
 * checkpoint. `status` then lists both evaluations with their accuracies.
 */

jest.setTimeout(600_000);

const execFileAsync = promisify(execFile);
const HELD_OUT = 120;

describe('a later simulator checkpoint scores above an earlier one on the held-out benchmark', () => {
  let fleet: TestFleet;
  let round1: SimulatorService | undefined;

  beforeAll(async () => {
    fleet = await startFleet({ problems: 24, workers: 2 });
    await fleet.runToCompletion(400_000);
  }, 480_000);

  afterAll(async () => {
    await round1?.stop(3_000);
    await fleet?.teardown();
  });

  const evaluate = async (...args: string[]): Promise<EvalReport> => {
    const { stdout } = await execFileAsync(
      process.execPath,
      [
        cliScript,
        'eval',
        ...['--plan', fleet.planPath, '--run', fleet.run, '--no-progress', '--json'],
        ...['--benchmark', 'synth-heldout', '--synth-count', String(HELD_OUT), '--modes', 'greedy'],
        ...args,
      ],
      {
        cwd: fleet.dir,
        env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: fleet.dir },
        timeout: 240_000,
        maxBuffer: 64 << 20,
      },
    );
    return JSON.parse(stdout) as EvalReport;
  };

  it('round 4 greedy accuracy is above round 1 beyond both intervals', async () => {
    const checkpoint = join(fleet.runDir, 'round-1', 'checkpoint.json');
    expect(existsSync(checkpoint)).toBe(true);
    round1 = await startSimulator(
      {
        cliScript,
        cwd: fleet.dir,
        env: { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: fleet.dir },
        fleet: new LocalFleet({ restart: 'never' }),
      },
      await freePort(),
      ['--checkpoint', checkpoint],
    );
    // The run's newest deployed models (round 4's, served by the fleet's simulator).
    const late = await evaluate('--name', 'greedy');
    // Round 1's trained models, from the second simulator.
    const early = await evaluate(
      ...['--policy', round1.url, '--policy-model', 'sim-policy-r1'],
      ...['--round', '1', '--name', 'greedy-r1'],
    );
    expect(late).toMatchObject({ round: 4, models: { policy: 'sim-policy-r4' }, complete: true });
    expect(early).toMatchObject({ round: 1, models: { policy: 'sim-policy-r1' }, complete: true });
    const accuracy = (r: EvalReport) => r.benchmarks[0]!.modes[0]!.accuracy!;
    const [a1, a4] = [accuracy(early), accuracy(late)];
    process.stderr.write(`ACC ${JSON.stringify({ a1, a4 })}\n`);
    // Not noise: round 4's interval lies above round 1's.
    expect(a4.low).toBeGreaterThan(a1.high);
    expect(a4.value - a1.value).toBeGreaterThan(0.1);

    // status lists both evaluations, reported, with their accuracies.
    const status = await fleet.status();
    expect(
      status.evaluations.map((e) => [e.round, e.evaluation, e.status, e.accuracy?.[0]?.accuracy]),
    ).toEqual([
      [1, 'greedy-r1', 'reported', a1.value],
      [4, 'greedy', 'reported', a4.value],
    ]);
  });
});
