import { Registry } from 'prom-client';
import { PolicyClient } from '../policy/policy-client';
import { RewardClient } from '../reward/reward-client';
import { FakeInferenceServer } from '../testing';
import { expandRequest, fastGovernor, metricValue } from './setup';

describe('replica routing', () => {
  let servers: FakeInferenceServer[];
  let clock: number;
  let client: PolicyClient;
  let registry: Registry;

  beforeEach(async () => {
    servers = await Promise.all(
      [0, 1, 2].map(() => FakeInferenceServer.start({ dialect: 'vllm' })),
    );
    clock = 1_000_000;
    registry = new Registry();
    client = new PolicyClient({
      model: 'm',
      endpoints: servers.map((s, i) => ({ url: s.url, name: `r${i}` })),
      sampling: { maxTokens: 8 },
      governor: fastGovernor({ retries: { maxRetries: 1 } }),
      routing: { cooldownMs: 10_000, now: () => clock },
      registry,
    });
  });

  afterEach(async () => {
    await client.close();
    await Promise.all(servers.map((s) => s.close()));
  });

  const hits = (): number[] => servers.map((s) => s.posts().length);
  const serverOf = (name: string): FakeInferenceServer => {
    const s = servers[Number(name.slice(1))];
    if (s === undefined) throw new Error(name);
    return s;
  };

  it('sends every expansion of a tree to the same replica', async () => {
    for (let depth = 0; depth < 6; depth += 1) {
      await client.expand(expandRequest(`Q tree-A step ${depth}\n`, 2, { problemId: 'tree-A' }));
    }
    const counts = hits();
    expect(counts.filter((c) => c === 6)).toHaveLength(1);
    expect(counts.filter((c) => c === 0)).toHaveLength(2);
    expect(serverOf(client.route('tree-A')[0] ?? '').posts()).toHaveLength(6);
  });

  it('spreads different trees over all replicas', async () => {
    for (let i = 0; i < 60; i += 1) {
      await client.expand(expandRequest('Q\n', 1, { problemId: `problem-${i}` }));
    }
    expect(hits().every((c) => c > 5)).toBe(true);
  });

  it('skips a replica that failed, fails over to the next, and retries it after the cool-down', async () => {
    const [first, second] = client.route('tree-B');
    if (first === undefined || second === undefined) throw new Error('need two replicas');
    const down = { kind: 'status', status: 503, message: 'engine dead' } as const;
    serverOf(first).inject(down, down);

    const out = await client.expand(expandRequest('Q\n', 2, { problemId: 'tree-B' }));
    expect(out).toHaveLength(2);
    expect(serverOf(first).posts()).toHaveLength(2); // the attempt and its one retry
    expect(serverOf(second).posts()).toHaveLength(1); // failed over
    expect(
      await metricValue(registry, 'rstar_inference_endpoint_healthy', { endpoint: first }),
    ).toBe(0);

    // While cooling down, the tree stays on its fallback replica.
    await client.expand(expandRequest('Q more\n', 2, { problemId: 'tree-B' }));
    expect(serverOf(first).posts()).toHaveLength(2);
    expect(serverOf(second).posts()).toHaveLength(2);
    expect(client.route('tree-B')[0]).toBe(second);

    // After the cool-down the preferred replica is tried again and, healthy, takes the tree back.
    clock += 10_001;
    await client.expand(expandRequest('Q again\n', 2, { problemId: 'tree-B' }));
    expect(serverOf(first).posts()).toHaveLength(3);
    expect(client.route('tree-B')[0]).toBe(first);
    expect(
      await metricValue(registry, 'rstar_inference_endpoint_healthy', { endpoint: first }),
    ).toBe(1);
  });

  it('fails over when a replica refuses connections', async () => {
    const [first] = client.route('tree-C');
    if (first === undefined) throw new Error('no replica');
    await serverOf(first).close();
    const out = await client.expand(expandRequest('Q\n', 1, { problemId: 'tree-C' }));
    expect(out).toHaveLength(1);
    expect(client.route('tree-C')[0]).not.toBe(first);
  });

  it('when every replica is down, tries each in order, then still tries them while cooling down', async () => {
    const down = { kind: 'status', status: 502, message: 'bad gateway' } as const;
    for (const s of servers) s.inject(down, down);
    await expect(
      client.expand(expandRequest('Q\n', 1, { problemId: 'tree-F' })),
    ).rejects.toMatchObject({ name: 'InferenceUnavailableError', code: 'UNAVAILABLE' });
    expect(hits()).toEqual([2, 2, 2]);
    // All cooling down: the request is sent anyway, to the preferred one, rather than refused.
    const preferred = client.route('tree-F')[0] ?? '';
    const out = await client.expand(expandRequest('Q\n', 1, { problemId: 'tree-F' }));
    expect(out).toHaveLength(1);
    expect(serverOf(preferred).posts()).toHaveLength(3);
    expect(hits().reduce((a, b) => a + b, 0)).toBe(7);
  });

  it('does not fail over on a 400 (the request is wrong, not the replica)', async () => {
    const [first] = client.route('tree-D');
    if (first === undefined) throw new Error('no replica');
    serverOf(first).inject({
      kind: 'status',
      status: 400,
      message: 'bad',
      type: 'BadRequestError',
    });
    await expect(
      client.expand(expandRequest('Q\n', 1, { problemId: 'tree-D' })),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(hits().reduce((a, b) => a + b, 0)).toBe(1);
    expect(client.route('tree-D')[0]).toBe(first);
  });

  it('pins a tree to one reward replica with forTree', async () => {
    const reward = new RewardClient({
      model: 'ppm',
      endpoints: servers.map((s, i) => ({ url: s.url, name: `r${i}` })),
      governor: fastGovernor(),
      registry,
    });
    try {
      const port = reward.forTree('tree-E');
      for (let i = 0; i < 5; i += 1) await port.score([`prefix ${i}`, `prefix ${i}!`]);
      const counts = servers.map((s) => s.posts('/classify').length);
      expect(counts.sort()).toEqual([0, 0, 5]);
      expect(serverOf(reward.route('tree-E')[0] ?? '').posts('/classify')).toHaveLength(5);
    } finally {
      await reward.close();
    }
  });
});
