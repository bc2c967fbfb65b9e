import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { expectConsistentRound, startFleet, type TestFleet } from './harness';

/**
 * Issue #10 item 3 through the whole fleet: a policy server that accepts some completion
 * requests and never answers them (no reset, no status). Each such request must cost a deadline
 * learned from the server's real answers (seconds, not the ~112 s its max_tokens allows), be
 * sent again, and leave the tree it belongs to as it was: the round completes, no unit fails,
 * and no finished rollout is searched again.
 */

jest.setTimeout(300_000);

/** Completions answered before the proxy starts hanging (the workers learn the deadline). */
const WARMUP = 20;
/** After the warm-up, every HANG_EVERY-th completion request is accepted and never answered. */
const HANG_EVERY = 7;

/**
 * An HTTP proxy in front of the simulator: every request is forwarded, except that after the
 * warm-up every 7th `POST /v1/completions` is read and left hanging until the client gives up.
 */
class HangingProxy {
  target = '';
  /** Completion requests seen, answered 200 by the simulator, and left hanging. */
  completions = 0;
  answered = 0;
  hung = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<HangingProxy> {
    const holder: { proxy?: HangingProxy } = {};
    const server = createServer((req, res) => holder.proxy?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    holder.proxy = new HangingProxy(server, `http://127.0.0.1:${port}`);
    return holder.proxy;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const completion = req.method === 'POST' && req.url === '/v1/completions';
      if (completion) {
        this.completions += 1;
        if (this.answered >= WARMUP && this.completions % HANG_EVERY === 0) {
          this.hung += 1;
          return; // read, never answered: the socket stays open until the worker gives up
        }
      }
      const upstream = httpRequest(
        `${this.target}${req.url ?? '/'}`,
        { method: req.method, headers: { ...req.headers, host: new URL(this.target).host } },
        (answer) => {
          if (completion && answer.statusCode === 200) this.answered += 1;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  }
}

let fleet: TestFleet | null = null;
let proxy: HangingProxy | null = null;
afterEach(async () => {
  await fleet?.teardown();
  fleet = null;
  await proxy?.close();
  proxy = null;
});

describe('a hung inference server (separate processes)', () => {
  it('completes the round: hung requests time out and are sent again, no unit fails or restarts', async () => {
    const problems = 9;
    proxy = await HangingProxy.start();
    // One worker: the warm-up answers all go to the endpoint that then meets the hung requests.
    fleet = await startFleet({
      problems,
      rounds: 1,
      workers: 1,
      budgets: [{ rollouts: 4, candidates: 3 }],
      policyUrl: proxy.url,
    });
    proxy.target = fleet.simUrl;
    const f = fleet;
    // Each hung request costs a learned deadline (5 s floor), not the ~112 s of its size bound:
    // at today's bound the hung requests alone would outlast this wait.
    await f.runToCompletion(240_000);

    const files = await f.readRound(1);
    expectConsistentRound(files, problems);
    expect(files.records).toHaveLength(problems);
    expect(files.stats.failedShards).toEqual([]);
    const status = await f.status();
    expect(status.failures).toEqual([]);

    // The server did hang, more than once.
    expect(proxy.hung).toBeGreaterThanOrEqual(3);
    // Every answered completion is an expansion of a written tree: a tree searched again would
    // have thrown away answers of its first attempt (one request per expansion: vLLM's `n`).
    const expansions = files.records.reduce((s, r) => s + r.stats.expansions, 0);
    expect(proxy.answered).toBe(expansions);
  });
});
