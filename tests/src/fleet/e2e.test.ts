import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectConsistentRound, startFleet, type TestFleet } from './harness';

/**
 * The product end to end, every service a separate process: `rstar-fleet run` over a small
 * synthetic corpus for four rounds with two workers; datasets and stats present and consistent
 * with the results files, and each round served by the model the previous round's hooks made.
 */

jest.setTimeout(300_000);

let fleet: TestFleet;
afterAll(async () => {
  await fleet?.teardown();
});

describe('the fleet end to end (separate processes)', () => {
  it('runs four rounds: search, datasets, stats, train and deploy hooks, next round', async () => {
    const problems = 12;
    fleet = await startFleet({ problems, workers: 2 });
    const orch = await fleet.runToCompletion();
    expect(orch.output()).toContain(`run ${fleet.run} done: 4 round(s)`);

    const state = fleet.runState();
    expect(state.status).toBe('done');
    expect(existsSync(join(fleet.runDir, 'plan.yaml'))).toBe(true);
    expect(readFileSync(join(fleet.runDir, 'plan.yaml'), 'utf8')).toBe(
      readFileSync(fleet.planPath, 'utf8'),
    );

    const policies: string[] = [];
    for (const round of [1, 2, 3, 4]) {
      const files = await fleet.readRound(round);
      expectConsistentRound(files, problems);
      expect(files.stats.round).toBe(round);
      // Round 4 searches 2 trees per problem, then escalates the unsolved ones.
      const phase0 = files.stats.phases[0];
      expect(phase0?.trees).toBe(round === 4 ? 2 : 1);
      expect(phase0?.problems).toBe(problems);

      const roundState = state.rounds.find((r) => r.round === round);
      expect(roundState?.status).toBe('done');
      expect(roundState?.hooks.train?.status).toBe('succeeded');
      expect(roundState?.hooks.deploy?.status).toBe('succeeded');
      // The simulated trainer wrote the checkpoint; the deploy hook named the served models.
      expect(roundState?.hooks.deploy?.result).toEqual({
        policy: { model: `sim-policy-r${round}` },
        ppm: { model: `sim-ppm-r${round}` },
      });
      const manifest = JSON.parse(readFileSync(join(files.dir, 'round.json'), 'utf8')) as {
        policy: { model: string };
      };
      policies.push(manifest.policy.model);
    }
    // Each round is served by the checkpoint the previous round trained and deployed.
    expect(policies).toEqual(['sim-policy-r0', 'sim-policy-r1', 'sim-policy-r2', 'sim-policy-r3']);
    const models = (await (await fetch(`${fleet.simUrl}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual(['sim-policy-r4', 'sim-ppm-r4']);

    const status = await fleet.status();
    expect(status).toMatchObject({ run: fleet.run, status: 'done', rounds: 4 });
    expect(status.history.map((h) => h.status)).toEqual(['done', 'done', 'done', 'done']);
  });
});
