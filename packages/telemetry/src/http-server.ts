import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** A request handler; it owns the response once called. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

export interface TelemetryServerOptions {
  host: string;
  /** 0: any free port (the bound one is returned). */
  port: number;
  registry: Registry;
  /**
   * `/readyz`: 200 while true, 503 otherwise (a load balancer or a rolling update waits on it).
   * Default: always ready.
   */
  ready?: () => boolean;
  /** More exact-path GET routes (e.g. the orchestrator's `/status`). */
  routes?: Record<string, RouteHandler>;
  /**
   * Sub-applications under a path prefix (e.g. a queue UI at `/queues`): every method, the
   * request url left as is. Matched before the built-in routes.
   */
  mounts?: { prefix: string; handler: RouteHandler }[];
  /**
   * Every request the routes above do not answer, any method: a service's own API on the same
   * port (the simulator's vLLM API). Default: 404, or 405 for a method other than GET/HEAD.
   */
  fallback?: RouteHandler;
  /** Deadline of one request (headers and body). Default 10 000 ms. */
  requestTimeoutMs?: number;
  /** How long close() waits for requests in progress before cutting them. Default 2 000 ms. */
  closeGraceMs?: number;
}

export interface TelemetryServer {
  readonly server: Server;
  readonly port: number;
  /**
   * Stops listening, lets requests in flight finish within the grace (`graceMs`, default the
   * server's closeGraceMs), then cuts them. Idempotent: later calls join the first.
   */
  close(graceMs?: number): Promise<void>;
}

function underPrefix(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

/**
 * The HTTP side every service has: `/livez` (the process serves), `/readyz` (the readiness
 * callback), `/metrics` (the registry, Prometheus text), plus the service's own routes.
 */
export async function startTelemetryServer(
  options: TelemetryServerOptions,
): Promise<TelemetryServer> {
  const { registry } = options;
  const ready = options.ready ?? (() => true);
  const routes = options.routes ?? {};
  const mounts = options.mounts ?? [];
  const builtIn = new Set(['/livez', '/readyz', '/metrics', ...Object.keys(routes)]);
  // Every request has a deadline: a stuck client cannot hold the server or its shutdown. Node
  // checks it every connectionsCheckingInterval (30 s by default, which would stretch a short
  // deadline by that much).
  const timeout = options.requestTimeoutMs ?? 10_000;
  const server = createServer(
    { connectionsCheckingInterval: Math.min(1_000, timeout) },
    (req, res) => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const mount = mounts.find((m) => underPrefix(path, m.prefix));
      if (mount !== undefined) {
        mount.handler(req, res);
        return;
      }
      if (options.fallback !== undefined && !builtIn.has(path)) {
        options.fallback(req, res);
        return;
      }
      const text = (code: number, body: string, headers: Record<string, string> = {}): void => {
        res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end(body);
      };
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        text(405, 'method not allowed\n', { allow: 'GET, HEAD' });
        return;
      }
      if (path === '/livez') {
        text(200, 'ok\n');
      } else if (path === '/readyz') {
        const ok = ready();
        text(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n');
      } else if (path === '/metrics') {
        registry.metrics().then(
          (body) => text(200, body, { 'content-type': registry.contentType }),
          (err: unknown) => text(500, `${err instanceof Error ? err.message : String(err)}\n`),
        );
      } else {
        const route = routes[path];
        if (route === undefined) text(404, 'not found\n');
        else route(req, res);
      }
    },
  );
  server.requestTimeout = timeout;
  server.headersTimeout = timeout;
  // Probes and scrapes are short; idle keep-alive sockets must not hold shutdown up.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const grace = options.closeGraceMs ?? 2_000;
  let closing: Promise<void> | undefined;
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close(graceMs = grace) {
      closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => server.closeAllConnections(), graceMs);
        timer.unref();
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
