import { PPM_MODES, type CompiledTestTimeOptions } from '@rstar-fleet/mcts';
import { InvalidInputError } from '@rstar-fleet/protocol';
import type { PortsTarget } from './fleet-ports';

/**
 * The models a test-time mode searches with: `greedy` decodes at temperature 0; modes that do
 * not score with the PPM (greedy, maj) get none, so their ports neither open nor probe it. A PPM
 * mode without a PPM is refused (InvalidInputError on `ppm`).
 */
export function testTimeTarget<T extends PortsTarget>(
  target: T,
  options: Pick<CompiledTestTimeOptions, 'mode'>,
): T {
  const usesPpm = PPM_MODES.includes(options.mode);
  if (usesPpm && target.ppm === null) {
    throw new InvalidInputError(`mode ${options.mode} scores with a PPM, and none is given`, {
      field: 'ppm',
    });
  }
  return {
    ...target,
    ppm: usesPpm ? target.ppm : null,
    sampling: options.mode === 'greedy' ? { ...target.sampling, temperature: 0 } : target.sampling,
  };
}
