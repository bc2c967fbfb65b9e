import type { OrchestratorHandle } from '@rstar-fleet/orchestration';
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
 * The orchestrator's small HTTP API: `GET /status` (the same JSON as `status --json`),
 * `/livez`, `/readyz` (the run is started or resumed), `/metrics` (Prometheus text) and, when
 * enabled, the queue page under `/queues`.
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
    ready: () => orch.ready(),
    ...(options.closeGraceMs === undefined ? {} : { closeGraceMs: options.closeGraceMs }),
    routes: {
      '/status': (_req, res) => {
        orch.status().then(
          (status) =>
            res
              .writeHead(200, { 'content-type': 'application/json' })
              .end(`${JSON.stringify(status)}\n`),
          (err: Error) =>
            res
              .writeHead(503, { 'content-type': 'application/json' })
              .end(`${JSON.stringify({ error: err.message })}\n`),
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
