import { createServer, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { PortError, type SearchPorts } from '@rstar-fleet/mcts';
import {
  ROUND_MANIFEST_VERSION,
  type DependencyHealth,
  type RoundManifest,
} from '@rstar-fleet/protocol';
import { SandboxClient } from '@rstar-fleet/protocol/sandbox';
import {
  DependencyProber,
  SandboxProbeClients,
  probeHttp,
  RunDependencies,
} from './dependency-health';
import { describeFailure } from './failure';
import type { PortsProvider } from './fleet-ports';

/** A real HTTP server whose /health answers as `mode` says; stoppable and restartable on its port. */
class HealthServer {
  mode: 'ok' | '503' | 'hang' = 'ok';
  port = 0;
  private server: Server | null = null;
  private readonly hanging: ServerResponse[] = [];

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (this.mode === 'hang') {
        this.hanging.push(res); // accepted, never answered
        return;
      }
      res.writeHead(this.mode === 'ok' ? 200 : 503).end();
    });
    await new Promise<void>((resolve) => this.server?.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const res of this.hanging.splice(0)) res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

/** A port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

function manifest(round: number, policyUrl: string, sandbox: string): RoundManifest {
  return {
    v: ROUND_MANIFEST_VERSION,
    run: 'unit',
    round,
    policy: { model: 'm', dialect: 'vllm', endpoints: [{ url: policyUrl, name: 'policy-a' }] },
    ppm: {
      model: 'p',
      dialect: 'vllm-classify',
      transform: 'tanh5',
      endpoints: [{ url: policyUrl, name: 'ppm-a' }],
    },
    sandbox: { addresses: [sandbox] },
    search: {
      mode: 'mcts',
      candidates: 1,
      maxDepth: 2,
      errorsThreshold: 1,
      c: 2,
      qRule: 'terminal',
      seed: 1,
      beamWidth: 1,
      escalation: [],
    },
    sampling: { temperature: 0.7, topP: 1, maxTokens: 16 },
    shards: { size: 256, maxFailedShare: 0 },
    phases: [{ phase: 0, rollouts: 1, trees: 1, firstShard: 0, shards: 1, problems: 1 }],
  };
}

describe('DependencyProber (real servers)', () => {
  const server = new HealthServer();
  afterEach(async () => {
    await server.stop();
    server.port = 0;
    server.mode = 'ok';
  });

  it('sees an HTTP server stop answering, answer 503, hang, and come back', async () => {
    await server.start();
    const changes: DependencyHealth[] = [];
    let now = Date.parse('2026-01-01T00:00:00Z');
    const prober = new DependencyProber({
      intervalMs: 1_000,
      timeoutMs: 500,
      onChange: (h) => changes.push(h),
      now: () => now,
    });
    const url = `${server.url}/health`;
    prober.setGroup('g', [
      { dependency: 'policy', endpoint: 'policy-a', probe: (s) => probeHttp(url, s) },
    ]);
    const one = async (): Promise<DependencyHealth> => {
      const [h] = await prober.probeAll();
      if (h === undefined) throw new Error('no health');
      return h;
    };
    expect(await one()).toMatchObject({ up: true, code: null, error: null });
    expect(prober.ready()).toBe(true);
    expect(changes).toEqual([]);

    // Stopped: nothing listens on the port any more.
    await server.stop();
    now += 1_000;
    const down = await one();
    expect(down).toMatchObject({
      dependency: 'policy',
      endpoint: 'policy-a',
      up: false,
      since: '2026-01-01T00:00:01.000Z',
      code: 'ECONNREFUSED',
    });
    expect(down.error).toContain(url);
    expect(prober.ready()).toBe(false);
    now += 1_000;
    expect((await one()).since).toBe('2026-01-01T00:00:01.000Z'); // still down since then

    // Back, but failing: a 5xx is down too.
    await server.start();
    server.mode = '503';
    expect(await one()).toMatchObject({ up: false, code: 'HTTP 503' });

    // Accepts and never answers: down at the probe's deadline.
    server.mode = 'hang';
    const started = Date.now();
    expect(await one()).toMatchObject({ up: false, code: 'DEADLINE_EXCEEDED' });
    expect(Date.now() - started).toBeLessThan(3_000);

    server.mode = 'ok';
    now += 1_000;
    expect(await one()).toMatchObject({ up: true, since: '2026-01-01T00:00:03.000Z' });
    expect(changes.map((c) => c.up)).toEqual([false, true]);
  });

  it('is not ready while one of two policy replicas is down, only when both are', async () => {
    await server.start();
    const dead = `http://127.0.0.1:${await freePort()}`;
    const prober = new DependencyProber({ intervalMs: 1_000, timeoutMs: 500 });
    const policy = (endpoint: string, url: string) => ({
      dependency: 'policy' as const,
      endpoint,
      probe: (s: AbortSignal) => probeHttp(`${url}/health`, s),
    });
    prober.setGroup('run:a', [policy('live', server.url), policy('dead', dead)]);
    const health = await prober.probeAll();
    expect(health.map((h) => [h.endpoint, h.up])).toEqual([
      ['dead', false],
      ['live', true],
    ]);
    expect(prober.ready()).toBe(true); // the client fails over to the live replica
    await server.stop();
    await prober.probeAll();
    expect(prober.blocking().map((h) => h.endpoint)).toEqual(['live', 'dead']);
    expect(prober.ready()).toBe(false);
  });

  it('names the sandbox address and the gRPC status of an unreachable sandbox', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const sandboxes = new SandboxProbeClients(1_000);
    const prober = new DependencyProber({ intervalMs: 1_000, timeoutMs: 1_500 });
    prober.setGroup('g', [
      { dependency: 'sandbox', endpoint: address, probe: (s) => sandboxes.probe(address, s) },
    ]);
    try {
      const [h] = await prober.probeAll();
      expect(h).toMatchObject({ dependency: 'sandbox', endpoint: address, up: false });
      expect(h?.code).toMatch(/^grpc (UNAVAILABLE|DEADLINE_EXCEEDED)$/);
      expect(h?.error).toContain(address);
    } finally {
      sandboxes.close();
    }
  });

  it('follows the newest round manifest the search uses, and forgets a run after its last shard', async () => {
    await server.start();
    const sandboxes = new SandboxProbeClients(500);
    const prober = new DependencyProber({ intervalMs: 1_000, timeoutMs: 500 });
    const used: string[] = [];
    const inner: PortsProvider = {
      portsFor: (m) => {
        used.push(`round ${m.round}`);
        return {} as SearchPorts;
      },
      close: () => Promise.resolve(),
    };
    const runs = new RunDependencies(prober, sandboxes, 200);
    const ports = runs.watch(inner);
    const key = (): string[] => prober.checks().map((c) => `${c.dependency} ${c.endpoint}`);
    try {
      ports.portsFor(manifest(1, server.url, 'sandbox-1:50051'), 'p1');
      expect(key()).toEqual(['sandbox sandbox-1:50051', 'policy policy-a', 'ppm ppm-a']);
      ports.portsFor(manifest(2, server.url, 'sandbox-2:50051'), 'p2');
      // An older round's shard (a late retry) does not take the checks back.
      ports.portsFor(manifest(1, server.url, 'sandbox-1:50051'), 'p3');
      expect(key()).toEqual(['sandbox sandbox-2:50051', 'policy policy-a', 'ppm ppm-a']);
      expect(used).toEqual(['round 1', 'round 2', 'round 1']);
      const health = await prober.probeAll();
      expect(health.filter((h) => h.up).map((h) => h.dependency)).toEqual(['policy', 'ppm']);
      expect(prober.blocking().map((h) => h.endpoint)).toEqual(['sandbox-2:50051']);

      // The run's last shard ended: its checks go after the forget delay, unless a shard of it
      // starts again first.
      runs.shardStarted('unit');
      runs.shardEnded('unit');
      runs.shardStarted('unit');
      await new Promise((r) => setTimeout(r, 300));
      expect(key()).toHaveLength(3);
      runs.shardEnded('unit');
      await new Promise((r) => setTimeout(r, 300));
      expect(key()).toEqual([]);
      expect(prober.health()).toEqual([]);
      expect(prober.ready()).toBe(true);
    } finally {
      runs.close();
      sandboxes.close();
    }
  });
});

describe('RunDependencies for evaluations', () => {
  it("watches every server an evaluation's modes ask for beside the round's, and forgets them with the run", async () => {
    const sandboxes = new SandboxProbeClients(500);
    const prober = new DependencyProber({ intervalMs: 1_000, timeoutMs: 500 });
    const inner: PortsProvider = {
      portsFor: () => ({}) as SearchPorts,
      close: () => Promise.resolve(),
    };
    const runs = new RunDependencies(prober, sandboxes, 100);
    const ports = runs.watch(inner);
    const keys = (): string[] =>
      prober
        .checks()
        .map((c) => `${c.dependency} ${c.endpoint}`)
        .sort();
    const round = manifest(3, 'http://127.0.0.1:9', 'sandbox-1:50051');
    // The evaluation of round 2's models: other servers; its greedy units name no PPM.
    const evaluation = {
      ...manifest(2, 'http://127.0.0.1:9', 'sandbox-1:50051'),
      evaluation: 'held-out',
      policy: {
        model: 'e',
        dialect: 'vllm' as const,
        endpoints: [{ url: 'http://127.0.0.1:9', name: 'eval-policy' }],
      },
    };
    try {
      ports.portsFor(round, 'p1');
      ports.portsFor({ ...evaluation, ppm: null }, 'p1');
      expect(keys()).toEqual([
        'policy eval-policy',
        'policy policy-a',
        'ppm ppm-a',
        'sandbox sandbox-1:50051',
      ]);
      ports.portsFor(
        {
          ...evaluation,
          ppm: { ...round.ppm!, endpoints: [{ url: 'http://127.0.0.1:9', name: 'eval-ppm' }] },
        },
        'p1',
      );
      // A greedy unit after a System-2 one keeps the PPM watched.
      ports.portsFor({ ...evaluation, ppm: null }, 'p2');
      expect(keys()).toContain('ppm eval-ppm');
      expect(keys()).toContain('ppm ppm-a');

      runs.shardStarted('unit');
      runs.shardEnded('unit');
      await new Promise((r) => setTimeout(r, 200));
      expect(keys()).toEqual([]);
    } finally {
      runs.close();
      sandboxes.close();
    }
  });
});

describe('describeFailure', () => {
  it('finds the dependency, address and gRPC status under the engine port error', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const client = new SandboxClient({ address });
    let err: unknown;
    try {
      await client.executeBatch([{ code: 'print(1)' }], { deadlineMs: 1_000 });
    } catch (e) {
      err = new PortError('executor', 'execution of 1 program(s) failed', { cause: e });
    } finally {
      client.close();
    }
    const d = describeFailure(err);
    expect(d.dependency).toBe('sandbox');
    expect(d.endpoint).toBe(address);
    expect(d.code).toMatch(/^grpc (UNAVAILABLE|DEADLINE_EXCEEDED)$/);
    expect(d.message).toMatch(
      new RegExp(`^executor port: execution of 1 program\\(s\\) failed: sandbox ${address} `),
    );
    // gRPC's own `14 UNAVAILABLE: <details>` is not repeated after the wrapper that carries them.
    expect(d.message).not.toMatch(/: \d+ [A-Z_]+: /);
  });
});
