import type { DatasetAudit } from './audit';
import { ROUND_PLAN, runSimRounds, type RoundOutcome } from './rounds';

const rate = (o: { solved: number; problems: number } | undefined): number =>
  o === undefined ? 0 : o.solved / o.problems;

// Robust properties only, on a small corpus (the calibrated curve itself, on 300 problems, is
// measured by `npm run bench -- model-sim-rounds`).
describe('four rounds of simulated self-evolution', () => {
  it('rise on a fixed seed, and stall when the Q rule or the extraction is broken', async () => {
    const options = { problems: 40, seed: 7 };
    const healthy = await runSimRounds(options);
    expect(healthy.map((o) => o.checkpoint)).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(rate(healthy[3])).toBeGreaterThan(rate(healthy[0]) + 0.1);
    expect(rate(healthy[2])).toBeGreaterThan(rate(healthy[1]));
    // The audit against the control (random choice among the same candidates): the Q ranking
    // rejects unsound steps far more often in every round.
    for (const o of healthy) {
      const share = (a: DatasetAudit): number => a.pairs.rejectedUnsound / a.pairs.rows;
      if (o.audit.control === null) throw new Error('the control was not audited');
      expect(share(o.audit)).toBeGreaterThan(share(o.audit.control) + 0.05);
    }

    const firstThree = ROUND_PLAN.slice(0, 3);
    const inverted = await runSimRounds({ ...options, breakage: 'inverted-ppm', plan: firstThree });
    // Identical until the PPM enters the Q rule in round 3; fed inverted scores, it misleads.
    expect(rate(inverted[1])).toBe(rate(healthy[1]));
    expect(rate(inverted[2])).toBeLessThan(rate(healthy[2]) - 0.1);
    // …and its data: fewer chosen steps are sound.
    const chosenSound = (o: RoundOutcome | undefined): number =>
      o === undefined ? 1 : o.audit.pairs.chosenSound / o.audit.pairs.rows;
    expect(chosenSound(inverted[2])).toBeLessThan(chosenSound(healthy[2]) - 0.03);

    const shuffled = await runSimRounds({
      ...options,
      breakage: 'shuffled-extraction',
      plan: ROUND_PLAN.slice(0, 2),
    });
    expect(shuffled[1]?.competence.rates).toBeLessThan(healthy[1]?.competence.rates ?? 0);
    expect(rate(shuffled[1])).toBeLessThan(rate(healthy[1]) - 0.15);
  });
});
