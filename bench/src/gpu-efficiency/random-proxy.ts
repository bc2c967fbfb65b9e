import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A load balancer that sends each request to a random replica (a Kubernetes Service in front of
 * the servers, with no notion of trees): the baseline against the workers' tree-sticky routing.
 */
export interface RandomProxy {
  url: string;
  close(): Promise<void>;
}

export async function startRandomProxy(
  upstreams: readonly string[],
  random: () => number = Math.random,
): Promise<RandomProxy> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const server: Server = createServer((req, res) => {
    const target = new URL(req.url ?? '/', upstreams[Math.floor(random() * upstreams.length)]);
    const upstream = request(
      target,
      { method: req.method, headers: req.headers, agent },
      (reply) => {
        res.writeHead(reply.statusCode ?? 502, reply.headers);
        reply.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
  };
}
