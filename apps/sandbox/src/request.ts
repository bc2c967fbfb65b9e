import { InvalidInputError } from '@rstar-fleet/protocol';
import type { ExecuteRequest } from '@rstar-fleet/protocol/sandbox';
import type { RequestLimit, SandboxConfig } from './config';

/** A request with the server's defaults applied and its limits checked. */
export interface ExecutionSpec {
  code: string;
  timeoutMs: number;
  memoryMb: number;
  maxOutputBytes: number;
}

export type RequestLimits = Pick<
  SandboxConfig,
  'timeoutMs' | 'memoryMb' | 'maxOutputBytes' | 'maxCodeBytes'
>;

function limit(value: number | undefined, lim: RequestLimit, field: string): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < 0) {
    throw new InvalidInputError(`must be a non-negative integer, got ${v}`, { field });
  }
  if (v > lim.max)
    throw new InvalidInputError(`${v} exceeds the server's maximum ${lim.max}`, { field });
  return v === 0 ? lim.default : v;
}

/**
 * Applies defaults (0 = default) and rejects what the server will not run: empty code, code over
 * the size limit, limits above the maxima. `where` prefixes field names, e.g. `requests[3]`.
 */
export function resolveRequest(
  req: ExecuteRequest,
  limits: RequestLimits,
  where = '',
): ExecutionSpec {
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const code = req.code ?? '';
  if (code.trim() === '') throw new InvalidInputError('code is empty', { field: field('code') });
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > limits.maxCodeBytes) {
    throw new InvalidInputError(
      `code is ${bytes} bytes, more than the ${limits.maxCodeBytes} allowed`,
      {
        field: field('code'),
      },
    );
  }
  return {
    code,
    timeoutMs: limit(req.timeoutMs, limits.timeoutMs, field('timeout_ms')),
    memoryMb: limit(req.memoryMb, limits.memoryMb, field('memory_mb')),
    maxOutputBytes: limit(req.maxOutputBytes, limits.maxOutputBytes, field('max_output_bytes')),
  };
}
