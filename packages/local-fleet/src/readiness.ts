import { connect } from 'node:net';

/**
 * How the supervisor knows a child serves, checked on every (re)start within the start's
 * deadline: a line it writes (`line`: the value, e.g. the ports it bound, once a line says so),
 * or a probe polled from outside (`probe`: a TCP port accepts, an HTTP health URL answers 2xx).
 */
export type Readiness<T> =
  | {
      readonly kind: 'line';
      /** For the timeout message: `a line "worker ready"`. */
      readonly what: string;
      match(line: string): T | undefined;
    }
  | {
      readonly kind: 'probe';
      readonly what: string;
      /** Pause between two tries. */
      readonly intervalMs: number;
      /** One try, answered within `timeoutMs`: the value once the child serves, else undefined. */
      probe(timeoutMs: number): Promise<T | undefined>;
    };

/** Ready once `match` returns a value for a line of stdout or stderr. */
export function readyOnLine<T>(what: string, match: (line: string) => T | undefined): Readiness<T> {
  return { kind: 'line', what, match };
}

/** Reads a JSON log line (pino); undefined for anything else. */
export function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Ready on the JSON log line whose `msg` is `message`; `pick` reads what the host needs from it
 * (ports) and may refuse the line (undefined).
 */
export function readyOnLogMessage<T>(
  message: string,
  pick: (entry: Record<string, unknown>) => T | undefined,
): Readiness<T> {
  return readyOnLine(`a log line "${message}"`, (line) => {
    const entry = jsonLine(line);
    return entry?.msg === message ? pick(entry) : undefined;
  });
}

/** Ready once `host:port` accepts a TCP connection. */
export function readyOnPort(port: number, host = '127.0.0.1'): Readiness<{ port: number }> {
  return {
    kind: 'probe',
    what: `a TCP connection to ${host}:${port}`,
    intervalMs: 50,
    probe: (timeoutMs) =>
      new Promise((resolve) => {
        const socket = connect(port, host);
        const done = (ok: boolean): void => {
          socket.destroy();
          resolve(ok ? { port } : undefined);
        };
        socket.setTimeout(timeoutMs, () => done(false));
        socket.once('connect', () => done(true));
        socket.once('error', () => done(false));
      }),
  };
}

/** Ready once a GET of `url` answers 2xx. */
export function readyOnHttp(url: string): Readiness<{ url: string }> {
  return {
    kind: 'probe',
    what: `GET ${url} answering 2xx`,
    intervalMs: 100,
    probe: async (timeoutMs) => {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
        await res.body?.cancel();
        return res.ok ? { url } : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
