import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { RouteHandler } from '@rstar-fleet/telemetry';

/** Where the queue page is served. */
export const QUEUE_UI_PATH = '/queues';

export interface BasicAuth {
  user: string;
  password: string;
}

export interface QueueUiSettings {
  enabled: boolean;
  /** Both set, or neither. When set, every request to the page needs them. */
  auth: BasicAuth | null;
}

/** True for addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Checks the queue page's flags once, at the command edge: the page is off by default; on a
 * non-loopback address it is refused without basic-auth credentials (the page shows job data and
 * queue internals); a user without a password (or the reverse) is a mistake, not "no auth".
 */
export function resolveQueueUi(options: {
  enabled: boolean;
  host: string;
  user: string | undefined;
  password: string | undefined;
  passwordEnv: string;
}): QueueUiSettings {
  const user = options.user === '' ? undefined : options.user;
  const password = options.password === '' ? undefined : options.password;
  if (!options.enabled) return { enabled: false, auth: null };
  if (user !== undefined && password === undefined) {
    throw new InvalidInputError(
      `--queue-ui-user is set but the environment variable ${options.passwordEnv} is not`,
      { field: options.passwordEnv },
    );
  }
  if (user === undefined && password !== undefined) {
    throw new InvalidInputError(
      `${options.passwordEnv} is set but --queue-ui-user is not: pass both for basic auth`,
      { field: '--queue-ui-user' },
    );
  }
  const auth = user !== undefined && password !== undefined ? { user, password } : null;
  if (auth === null && !isLoopback(options.host)) {
    throw new InvalidInputError(
      `--queue-ui on ${options.host} (not a loopback address) needs basic auth: ` +
        `--queue-ui-user and the environment variable ${options.passwordEnv}`,
      { field: '--queue-ui' },
    );
  }
  return { enabled: true, auth };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Whether the request carries these credentials (constant-time comparison). */
export function authorized(req: IncomingMessage, auth: BasicAuth): boolean {
  const header = req.headers.authorization ?? '';
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return false;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(auth.user));
  const passOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(auth.password));
  return userOk && passOk;
}

/**
 * bull-board (read-only: requeue and retries stay with `rstar-fleet requeue`) over the given
 * queues, as a handler for everything under QUEUE_UI_PATH, behind basic auth when configured.
 */
export function queueUiHandler(queues: Queue[], auth: BasicAuth | null): RouteHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(QUEUE_UI_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: true })),
    serverAdapter: adapter,
  });
  const app = adapter.getRouter() as (
    req: IncomingMessage,
    res: ServerResponse,
    next: (err?: unknown) => void,
  ) => void;
  return (req, res) => {
    if (auth !== null && !authorized(req, auth)) {
      res
        .writeHead(401, {
          'www-authenticate': 'Basic realm="rstar-fleet queues", charset="UTF-8"',
          'content-type': 'text/plain; charset=utf-8',
        })
        .end('authentication required\n');
      return;
    }
    // The express app routes relative to its mount point: strip the prefix as app.use() would.
    const url = req.url ?? '/';
    const rest = url.slice(QUEUE_UI_PATH.length);
    req.url = rest === '' ? '/' : rest.startsWith('?') ? `/${rest}` : rest;
    app(req, res, (err?: unknown) => {
      if (!res.headersSent) {
        res
          .writeHead(err === undefined ? 404 : 500, { 'content-type': 'text/plain; charset=utf-8' })
          .end(err === undefined ? 'not found\n' : 'queue page error\n');
      }
    });
  };
}
