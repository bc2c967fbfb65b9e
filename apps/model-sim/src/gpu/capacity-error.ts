import { InvalidInputError } from '@rstar-fleet/protocol';

/** A sequence longer than the whole simulated KV cache: it could never run (vLLM refuses it too). */
export class GpuCapacityError extends InvalidInputError {
  constructor(tokens: number, capacity: number, options?: { cause?: unknown }) {
    super(
      `a sequence of ${tokens} tokens does not fit the KV cache of ${capacity} tokens`,
      { field: 'prompt' },
      options,
    );
    this.name = 'GpuCapacityError';
  }
}
