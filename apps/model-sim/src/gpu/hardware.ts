import { InvalidInputError } from '@rstar-fleet/protocol';
import type { Checkpoint } from '../checkpoint';
import { GPU_PRESETS, GPU_PRESET_NAMES } from './presets';

/** The server's hardware flags, as parsed: each overrides the checkpoint's value. */
export interface HardwareFlags {
  gpu?: string;
  prefixCaching?: 'on' | 'off';
  timeScale?: number;
  ttftMs?: number;
  perTokenMs?: number;
  maxNumSeqs?: number;
  kvCacheTokens?: number;
}

/**
 * The latency override a server keeps across checkpoint loads (latency belongs to the simulated
 * hardware, not the model): a GPU preset first, then the single flags over it. The caching and
 * time-scale flags change a GPU model, so they need one (a preset or the checkpoint's own).
 */
export function hardwareOverride(
  flags: HardwareFlags,
  checkpoint: Checkpoint,
): Partial<Checkpoint['latency']> {
  const out: Partial<Checkpoint['latency']> = {};
  if (flags.gpu !== undefined) {
    const preset = GPU_PRESETS[flags.gpu];
    if (preset === undefined) {
      throw new InvalidInputError(
        `unknown GPU preset ${flags.gpu}; known: ${GPU_PRESET_NAMES.join(', ')}`,
        { field: '--gpu' },
      );
    }
    Object.assign(out, structuredClone(preset));
  }
  if (flags.ttftMs !== undefined) out.ttftMs = flags.ttftMs;
  if (flags.perTokenMs !== undefined) out.perTokenMs = flags.perTokenMs;
  if (flags.maxNumSeqs !== undefined) out.maxNumSeqs = flags.maxNumSeqs;
  if (flags.kvCacheTokens !== undefined) out.kvCacheTokens = flags.kvCacheTokens;
  if (flags.prefixCaching !== undefined || flags.timeScale !== undefined) {
    const gpu = out.gpu ?? checkpoint.latency.gpu;
    if (gpu === undefined) {
      throw new InvalidInputError('needs a GPU model: --gpu PRESET or a checkpoint latency.gpu', {
        field: flags.prefixCaching !== undefined ? '--prefix-caching' : '--time-scale',
      });
    }
    out.gpu = {
      ...gpu,
      ...(flags.prefixCaching === undefined ? {} : { prefixCaching: flags.prefixCaching === 'on' }),
      ...(flags.timeScale === undefined ? {} : { timeScale: flags.timeScale }),
    };
  }
  return out;
}
