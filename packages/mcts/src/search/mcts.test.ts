import { SearchCancelledError } from '../errors';
import type { ExpandRequest, PolicyPort, SearchPorts } from '../ports';
import { toRecord } from '../record';
import {
  checkRecordInvariants,
  createToyWorld,
  exactGrader,
  runToyProgram,
  scriptedStep as step,
} from '../testing';
import { createToyRng } from '../testing/toy-rng';
import { createMcts } from './mcts';

/** Turns of the event loop, so port answers interleave like real network calls. */
function turns(k: number): Promise<void> {
  let p = Promise.resolve();
  for (let i = 0; i < k; i++)
    p = p.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  return p;
}

interface Probe {
  ports: SearchPorts;
  expandedNodes: Map<string, number>;
  maxInFlight: () => number;
  requests: ExpandRequest[];
}

/** Wraps ports with seeded random delays and counts expansions per node and overlap. */
function jittered(inner: SearchPorts, seed: number): Probe {
  const rng = createToyRng(seed);
  const expandedNodes = new Map<string, number>();
  const requests: ExpandRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const ports: SearchPorts = {
    policy: {
      async expand(request) {
        requests.push(request);
        const key = `${request.problemId}/${request.nodeId}`;
        expandedNodes.set(key, (expandedNodes.get(key) ?? 0) + 1);
        inFlight += 1;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await turns(rng.int(0, 4));
          return await inner.policy.expand(request);
        } finally {
          inFlight -= 1;
        }
      },
    },
    executor: {
      async execute(programs, signal) {
        await turns(rng.int(0, 3));
        return inner.executor.execute(programs, signal);
      },
    },
    grader: {
      async equal(pred, ref) {
        await turns(rng.int(0, 2));
        return inner.grader.equal(pred, ref);
      },
    },
  };
  const reward = inner.reward;
  if (reward !== undefined) {
    ports.reward = {
      async score(prefixes, signal) {
        await turns(rng.int(0, 3));
        return reward.score(prefixes, signal);
      },
    };
  }
  return { ports, expandedNodes, maxInFlight: () => maxInFlight, requests };
}

describe('concurrent rollouts of one tree', () => {
  it.each(['terminal', 'ppm'] as const)(
    'keep the tree consistent at concurrency 8 (%s rule)',
    async (qRule) => {
      const world = createToyWorld({
        seed: 3,
        problems: 4,
        minSteps: 2,
        maxSteps: 5,
        stepSkill: 0.6,
      });
      for (const problem of world.problems) {
        const probe = jittered(world.ports, 11);
        const mcts = createMcts(probe.ports, {
          concurrency: 8,
          rollouts: 32,
          candidates: 4,
          qRule,
          collapseAnswers: false,
        });
        const result = await mcts.search(problem);
        const record = toRecord(result);

        expect(checkRecordInvariants(record)).toEqual([]);
        // No node expanded twice: a rollout reaching an expansion in flight awaited it.
        expect([...probe.expandedNodes.values()].every((count) => count === 1)).toBe(true);
        expect(probe.expandedNodes.size).toBe(
          result.stats.expansions + result.stats.contextOverflows,
        );
        // No virtual loss left over.
        expect([...result.tree.nodes()].every((n) => n.virtualLoss === 0)).toBe(true);
        // The budget was spent unless the tree was exhausted first.
        expect(result.stats.rollouts === 32 || result.tree.root.exhausted).toBe(true);
        expect(result.stats.rollouts).toBeLessThanOrEqual(32);
        // And rollouts really overlapped.
        expect(probe.maxInFlight()).toBeGreaterThan(1);
      }
    },
  );

  it('expands the root once when every rollout starts at the same time', async () => {
    const world = createToyWorld({ seed: 1, problems: 1 });
    const probe = jittered(world.ports, 5);
    const problem = world.problems[0];
    if (problem === undefined) throw new Error('no problem');
    await createMcts(probe.ports, { concurrency: 16, rollouts: 16 }).search(problem);
    expect(probe.expandedNodes.get(`${problem.id}/0`)).toBe(1);
  });
});

describe('reproducibility', () => {
  it('gives an identical record for the same seed at concurrency 1, and a different one for another seed', async () => {
    const world = createToyWorld({
      seed: 9,
      problems: 3,
      maxSteps: 5,
      stepSkill: 0.5,
      ppmNoise: 0.3,
    });
    for (const problem of world.problems) {
      const run = (seed: number) =>
        createMcts(jittered(world.ports, seed + 100).ports, {
          qRule: 'ppm',
          seed,
          rollouts: 12,
          candidates: 4,
        })
          .search(problem)
          .then(toRecord);
      const [a, b, c] = await Promise.all([run(1), run(1), run(2)]);
      expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      expect(c.nodes.map((n) => n.text)).not.toEqual(a.nodes.map((n) => n.text));
    }
  });
});

describe('cancellation', () => {
  /** A policy whose tree never runs out: every node offers two fresh code steps. */
  const endless: PolicyPort = {
    expand: (r) =>
      Promise.resolve([
        step.code(`<code>\na${r.depth} = 1\n`),
        step.code(`<code>\nb${r.depth} = 2\n`),
      ]),
  };
  const executor = { execute: (ps: string[]) => Promise.resolve(ps.map(runToyProgram)) };

  it('rejects at once with SearchCancelledError when the signal already fired', async () => {
    const controller = new AbortController();
    controller.abort(new Error('shutdown'));
    const calls: string[] = [];
    const policy: PolicyPort = { expand: (r) => (calls.push(r.nodeId), endless.expand(r)) };
    const err = await createMcts({ policy, executor, grader: exactGrader })
      .search({ id: 'p', question: 'q', reference: '1' }, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchCancelledError);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(calls).toEqual([]);
  });

  it('stops a running search, passes the signal to ports, and starts nothing after', async () => {
    const controller = new AbortController();
    const seen: AbortSignal[] = [];
    let calls = 0;
    // A slow policy (2 ms per call, abortable like an HTTP client) over an endless tree; the
    // caller cancels during the fifth call.
    const policy: PolicyPort = {
      async expand(request) {
        calls += 1;
        if (request.signal !== undefined) seen.push(request.signal);
        if (calls === 5) setImmediate(() => controller.abort(new Error('shutdown')));
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, 2);
          request.signal?.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(new Error('aborted'));
          });
        });
        return endless.expand(request);
      },
    };
    const search = createMcts(
      { policy, executor, grader: exactGrader },
      { rollouts: 1000, concurrency: 4 },
    ).search({ id: 'p', question: 'q', reference: '1' }, { signal: controller.signal });
    const err = await search.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SearchCancelledError);
    // The port's own abort error does not leak out as a PortError.
    expect((err as SearchCancelledError).cause).toEqual(new Error('shutdown'));
    const after = calls;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(after);
    expect(after).toBeGreaterThanOrEqual(5);
    expect(seen.every((s) => s.aborted)).toBe(true);
  });
});

describe('event loop fairness', () => {
  const policy: PolicyPort = {
    expand: (r) =>
      Promise.resolve([
        step.code(`<code>\na${r.depth} = 1\n`),
        step.code(`<code>\nb${r.depth} = 2\n`),
      ]),
  };
  const executor = { execute: (ps: string[]) => Promise.resolve(ps.map(runToyProgram)) };

  it.each([
    [8, true],
    [0, false],
  ])(
    'yieldEvery=%d lets a timer run during a search over instant ports: %s',
    async (yieldEvery, expected) => {
      let timerFired = false;
      let firedDuringSearch = false;
      const timer = setTimeout(() => (timerFired = true), 0);
      const watching: PolicyPort = {
        expand(r) {
          if (timerFired) firedDuringSearch = true;
          return policy.expand(r);
        },
      };
      const start = Date.now();
      // Long enough that the 1 ms timer is due well before the search ends.
      await createMcts(
        { policy: watching, executor, grader: exactGrader },
        { rollouts: 400, yieldEvery },
      ).search({
        id: 'p',
        question: 'q',
        reference: '1',
      });
      clearTimeout(timer);
      expect(Date.now() - start).toBeGreaterThan(2);
      expect(firedDuringSearch).toBe(expected);
    },
  );
});

describe('beforeRollout (a host holding searches in lock-step)', () => {
  it('is awaited before every rollout, and no port is called while it holds', async () => {
    const world = createToyWorld({
      seed: 4,
      problems: 1,
      minSteps: 3,
      maxSteps: 5,
      stepSkill: 0.6,
    });
    const problem = world.problems[0];
    if (problem === undefined) throw new Error('no problem');
    let held = false;
    let callsWhileHeld = 0;
    let holds = 0;
    const policy: PolicyPort = {
      expand: (request) => {
        if (held) callsWhileHeld++;
        return world.ports.policy.expand(request);
      },
    };
    const result = await createMcts(
      { ...world.ports, policy },
      {
        rollouts: 6,
        candidates: 4,
        collapseAnswers: false,
      },
    ).search(problem, {
      beforeRollout: async () => {
        holds++;
        held = true;
        await turns(3);
        held = false;
      },
    });
    expect(holds).toBe(result.stats.rollouts);
    expect(result.stats.rollouts).toBeGreaterThan(1);
    expect(callsWhileHeld).toBe(0);
  });
});
