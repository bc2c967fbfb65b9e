import type { OrchestratorHandle } from '@rstar-fleet/orchestration';
import { RstarError, errorCodeOf, httpStatusForCode } from '@rstar-fleet/protocol';
import { startTelemetryServer, type TelemetryServer } from '@rstar-fleet/telemetry';
import type { OrchestratorMetrics } from './metrics';
import { QUEUE_UI_PATH, queueUiHandler, type QueueUiSettings } from './queue-ui';

export interface HttpApi {
  port: number;
  close(): Promise<void>;
}

export interface HttpApiOptions {
  host: string;
  port: number;
  metrics: OrchestratorMetrics;
  /** The bull-board page under /queues; default off. */
  queueUi?: QueueUiSettings;
  /** How long close() lets requests in flight finish. Default 2 000 ms. */
  closeGraceMs?: number;
}

/**
 * The orchestrator's small HTTP API: `GET /status` (the same JSON as `status --json`; with Redis
 * down it answers from the store within the status deadline and says so in `redis`), `/livez`,
 * `/readyz` (the run is started or resumed and Redis is connected), `/metrics` (Prometheus text)
 * and, when enabled, the queue page under `/queues`.
 */
export async function startHttpApi(
  orch: OrchestratorHandle,
  options: HttpApiOptions,
): Promise<HttpApi> {
  const ui = options.queueUi;
  const server: TelemetryServer = await startTelemetryServer({
    host: options.host,
    port: options.port,
    registry: options.metrics.registry,
    // Not ready while Redis is away: the orchestrator cannot move rounds on without it.
    ready: () => orch.ready() && orch.redisHealth().reachable,
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
    routes: {
      '/status': (_req, res) => {
        orch.status().then(
          (status) =>
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(`${JSON.stringify(status)}\n`),
          (err: unknown) => {
            // The status of the error's code, as every HTTP edge maps it (protocol's one map).
            const code = errorCodeOf(err);
            res.writeHead(httpStatusForCode(code), { 'content-type': 'application/json' }).end(
              `${JSON.stringify({
                error: err instanceof RstarError ? err.message : `internal error: ${String(err)}`,
                code,
              })}\n`,
            );
          },
        );
      },
    },
    mounts:
      ui?.enabled === true
        ? [{ prefix: QUEUE_UI_PATH, handler: queueUiHandler(orch.queues(), ui.auth) }]
        : [],
  });
  return { port: server.port, close: () => server.close() };
}
