import { RstarError, type RstarErrorOptions } from './errors';

export interface ContextOverflowDetails {
  /** Tokens (or characters, if the client cannot count tokens) the request needed, when known. */
  requested?: number;
  /** The server's context limit in the same unit, when known. */
  limit?: number;
}

/**
 * The prompt of a policy or reward request does not fit the model's context window.
 *
 * This is a property of the tree node being expanded (its prefix has grown too long), not of the
 * server: the search turns the node into an invalid terminal and goes on, and no client retries
 * it. Its code is `RESOURCE_EXHAUSTED` (the context window is the bounded resource).
 */
export class ContextOverflowError extends RstarError {
  readonly requested: number | undefined;
  readonly limit: number | undefined;

  constructor(
    message: string,
    details: ContextOverflowDetails = {},
    options: RstarErrorOptions = {},
  ) {
    super('RESOURCE_EXHAUSTED', message, options);
    this.requested = details.requested;
    this.limit = details.limit;
  }
}
