import type { FlowOptions } from './flows';
import type { FleetOptions } from './types';

/** The defaults of the host's options that have one (FleetOptions documents each). */
export const FLEET_OPTION_DEFAULTS = {
  /** Shards per FlowProducer call when a phase has many shards. */
  flowChunk: 500,
  /** How long `close()` waits for the rounds worker before forcing. */
  closeGraceMs: 10_000,
} as const;

/** FleetOptions with every default applied (compileFleetOptions, once, where a host opens a run). */
export type CompiledFleetOptions = FleetOptions &
  Readonly<{ [K in keyof typeof FLEET_OPTION_DEFAULTS]: number }>;

export function compileFleetOptions(options: FleetOptions): CompiledFleetOptions {
  return {
    ...options,
    flowChunk: Math.max(1, options.flowChunk ?? FLEET_OPTION_DEFAULTS.flowChunk),
    closeGraceMs: options.closeGraceMs ?? FLEET_OPTION_DEFAULTS.closeGraceMs,
  };
}

/** The flow settings (shard retries, chunk) of the compiled options. */
export function flowOptions(options: CompiledFleetOptions): FlowOptions {
  return {
    ...(options.shardRetry === undefined ? {} : { shardRetry: options.shardRetry }),
    chunk: options.flowChunk,
  };
}
