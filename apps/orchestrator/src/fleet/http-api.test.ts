import type { OrchestratorHandle, RedisHealth } from '@rstar-fleet/orchestration';
import { ERROR_CODES, NotFoundError, RstarError, httpStatusForCode } from '@rstar-fleet/protocol';
import { startHttpApi, type HttpApi } from './http-api';
import { OrchestratorMetrics } from './metrics';

/**
 * The HTTP edge alone: readiness follows Redis, and a failed /status answers with the status of
 * its error code (the orchestrator behind it is a stand-in: only the edge is under test here).
 */
describe('orchestrator HTTP API', () => {
  let health: RedisHealth = { reachable: true, error: null };
  let failure: Error | null = null;
  const orch = {
    run: 'r',
    ready: () => true,
    redisHealth: () => health,
    status: () => (failure === null ? Promise.resolve({ run: 'r' }) : Promise.reject(failure)),
    queues: () => [],
  } as unknown as OrchestratorHandle;
  let api: HttpApi;
  const get = async (path: string): Promise<[number, string]> => {
    const res = await fetch(`http://127.0.0.1:${api.port}${path}`);
    return [res.status, await res.text()];
  };

  beforeAll(async () => {
    api = await startHttpApi(orch, {
      host: '127.0.0.1',
      port: 0,
      metrics: new OrchestratorMetrics(),
    });
  });
  afterAll(() => api.close());

  it('/readyz is 503 while Redis is unreachable, 200 once it is back', async () => {
    expect((await get('/readyz'))[0]).toBe(200);
    health = { reachable: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' };
    expect((await get('/readyz'))[0]).toBe(503);
    health = { reachable: true, error: null };
    expect((await get('/readyz'))[0]).toBe(200);
  });

  it.each([
    [new NotFoundError('run r not found'), 404, 'NOT_FOUND'],
    [new RstarError('INVALID_ARGUMENT', 'bad run.json'), 400, 'INVALID_ARGUMENT'],
    [new RstarError('UNAVAILABLE', 'store unreachable'), 503, 'UNAVAILABLE'],
    [new RstarError('DEADLINE_EXCEEDED', 'slow'), 504, 'DEADLINE_EXCEEDED'],
    [new Error('boom'), 500, 'INTERNAL'],
  ])(
    '/status answers %#: an error maps to the HTTP status of its code',
    async (err, status, code) => {
      failure = err;
      const [got, body] = await get('/status');
      expect(got).toBe(status);
      expect(JSON.parse(body)).toMatchObject({ code });
      failure = null;
    },
  );

  it('/status answers every error code with the status protocol maps it to', async () => {
    const seen: Record<string, number> = {};
    for (const code of ERROR_CODES) {
      failure = new RstarError(code, `failed with ${code}`);
      const [got, body] = await get('/status');
      expect(JSON.parse(body)).toEqual({ error: `failed with ${code}`, code });
      seen[code] = got;
    }
    failure = null;
    expect(seen).toEqual(Object.fromEntries(ERROR_CODES.map((c) => [c, httpStatusForCode(c)])));
    // Not one status for everything: a refused request is not an outage.
    expect(seen['FAILED_PRECONDITION']).toBe(400);
    expect(seen['UNAVAILABLE']).toBe(503);
  });
});
