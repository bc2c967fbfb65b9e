import { connect } from 'node:net';
import { Counter } from 'prom-client';
import { cachedRead } from './cached';
import { startTelemetryServer } from './http-server';
import { createRegistry } from './registry';

describe('createRegistry', () => {
  it('labels every series with the service and collects the process metrics', async () => {
    const registry = createRegistry('unit');
    new Counter({ name: 'rstar_unit_things_total', help: 'things', registers: [registry] }).inc(2);
    const text = await registry.metrics();
    expect(text).toContain('rstar_unit_things_total{service="unit"} 2');
    expect(text).toMatch(/process_cpu_seconds_total\{service="unit"\}/);
  });

  it('leaves the service label off where the exposition must read as another server', async () => {
    const registry = createRegistry('sim', { defaultMetrics: false, serviceLabel: false });
    new Counter({ name: 'vllm:things_total', help: 'things', registers: [registry] }).inc();
    expect(await registry.metrics()).toContain('vllm:things_total 1');
  });
});

describe('startTelemetryServer', () => {
  it('serves /livez, /readyz from the callback, /metrics, routes and mounts', async () => {
    let ready = false;
    const registry = createRegistry('unit', { defaultMetrics: false });
    const server = await startTelemetryServer({
      host: '127.0.0.1',
      port: 0,
      registry,
      ready: () => ready,
      routes: { '/status': (_req, res) => res.end('{"ok":1}') },
      mounts: [{ prefix: '/ui', handler: (req, res) => res.end(`ui ${req.url ?? ''}`) }],
    });
    const get = async (path: string): Promise<[number, string]> => {
      const res = await fetch(`http://127.0.0.1:${server.port}${path}`);
      return [res.status, await res.text()];
    };
    try {
      expect(await get('/livez')).toEqual([200, 'ok\n']);
      expect((await get('/readyz'))[0]).toBe(503);
      ready = true;
      expect((await get('/readyz'))[0]).toBe(200);
      expect((await get('/metrics'))[0]).toBe(200);
      expect(await get('/status')).toEqual([200, '{"ok":1}']);
      expect(await get('/ui/x?y=1')).toEqual([200, 'ui /ui/x?y=1']);
      expect((await get('/uix'))[0]).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('startTelemetryServer: a service API beside it, deadlines, bounded close', () => {
  it('hands every other request, any method, to the fallback', async () => {
    const server = await startTelemetryServer({
      host: '127.0.0.1',
      port: 0,
      registry: createRegistry('unit', { defaultMetrics: false }),
      fallback: (req, res) => res.writeHead(201).end(`${req.method ?? ''} ${req.url ?? ''}`),
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const posted = await fetch(`${base}/v1/completions`, { method: 'POST', body: '{}' });
      expect([posted.status, await posted.text()]).toEqual([201, 'POST /v1/completions']);
      expect((await fetch(`${base}/livez`)).status).toBe(200);
      expect((await fetch(`${base}/metrics`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('cuts a client that does not finish its request within the deadline', async () => {
    const server = await startTelemetryServer({
      host: '127.0.0.1',
      port: 0,
      registry: createRegistry('unit', { defaultMetrics: false }),
      requestTimeoutMs: 200,
    });
    try {
      const socket = connect(server.port, '127.0.0.1');
      // Headers begun, never finished.
      socket.write('GET /livez HTTP/1.1\r\nHost: x\r\n');
      const answer = await new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (c: Buffer) => (text += c.toString()));
        socket.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await server.close();
    }
  });

  it('closes within its grace while a request hangs', async () => {
    let handled = false;
    const server = await startTelemetryServer({
      host: '127.0.0.1',
      port: 0,
      registry: createRegistry('unit', { defaultMetrics: false }),
      routes: { '/hang': () => void (handled = true) },
    });
    const hanging = fetch(`http://127.0.0.1:${server.port}/hang`).then(
      () => 'answered',
      () => 'cut',
    );
    while (!handled) await new Promise((r) => setTimeout(r, 5));
    await server.close(50);
    expect(await hanging).toBe('cut');
    // Asked again: the same (finished) close.
    await expect(server.close()).resolves.toBeUndefined();
  });
});

describe('cachedRead', () => {
  it('reads once per period and shares a read in flight', async () => {
    let t = 0;
    let reads = 0;
    const read = cachedRead(
      () => Promise.resolve(++reads),
      5_000,
      () => t,
    );
    expect(await Promise.all([read(), read()])).toEqual([1, 1]);
    t = 4_999;
    expect(await read()).toBe(1);
    t = 5_000;
    expect(await read()).toBe(2);
  });
});
