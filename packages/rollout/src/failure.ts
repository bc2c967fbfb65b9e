import { RstarError, type DependencyKind } from '@rstar-fleet/protocol';

/**
 * What an operator needs from a failed call, read off its cause chain (the engine wraps port
 * failures in PortError, whose own message names neither the server nor the status): which
 * dependency, which address, which error code, and the whole message.
 */
export interface FailureDescription {
  /** The dependency the failure came from, when the chain says. */
  dependency: DependencyKind | null;
  /** Sandbox address or inference endpoint, when the chain says. */
  endpoint: string | null;
  /** `grpc UNAVAILABLE`, `HTTP 503`, an errno such as `ECONNREFUSED`, or the rstar-fleet code. */
  code: string | null;
  /** The messages of the chain, outermost first, joined by `: ` (repeats left out). */
  message: string;
}

const PORT_DEPENDENCY: Record<string, DependencyKind> = {
  executor: 'sandbox',
  policy: 'policy',
  reward: 'ppm',
};

function chainOf(err: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = err;
  while (current !== undefined && current !== null && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function field(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null
    ? (err as Record<string, unknown>)[name]
    : undefined;
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** An errno-style code (`ECONNREFUSED`, `UND_ERR_SOCKET`), the most precise thing a socket says. */
const ERRNO = /^(E[A-Z0-9]+|UND_ERR_[A-Z_]+)$/;

export function describeFailure(err: unknown): FailureDescription {
  const chain = chainOf(err);
  let dependency: DependencyKind | null = null;
  let endpoint: string | null = null;
  let grpc: string | null = null;
  let http: string | null = null;
  let errno: string | null = null;
  let rstar: string | null = null;
  for (const e of chain) {
    const port = str(field(e, 'port'));
    if (dependency === null && port !== null) dependency = PORT_DEPENDENCY[port] ?? null;
    if (dependency === null && field(e, 'name') === 'SandboxCallError') dependency = 'sandbox';
    endpoint ??= str(field(e, 'address')) ?? str(field(e, 'endpoint'));
    grpc ??= str(field(e, 'grpcStatus'));
    const status = field(e, 'status');
    if (http === null && typeof status === 'number') http = `HTTP ${status}`;
    const code = str(field(e, 'code'));
    if (code !== null && ERRNO.test(code)) errno = code; // the deepest one wins
    if (rstar === null && e instanceof RstarError) rstar = e.code;
  }
  const messages: string[] = [];
  for (const e of chain) {
    const m = e instanceof Error ? e.message : String(e);
    // A gRPC ServiceError's message is `14 UNAVAILABLE: <details>`; its wrapper already has the details.
    const core = str(field(e, 'details')) ?? m;
    if (m !== '' && !messages.some((seen) => seen.includes(m) || seen.includes(core))) {
      messages.push(m);
    }
  }
  return {
    dependency,
    endpoint,
    code: grpc === null ? (http ?? errno ?? rstar) : `grpc ${grpc}`,
    message: messages.join(': '),
  };
}
