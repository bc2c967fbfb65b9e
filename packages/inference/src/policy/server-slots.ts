import type { Endpoint } from '../governor/endpoint';
import type { PolicyDialect } from './dialect';

/** A restarted server may run with another `--parallel`: the count is read again after this. */
const SLOTS_TTL_MS = 60_000;
/** The slot count is a GET of a small JSON document; a server that cannot answer it is fanned out to. */
const SLOTS_TIMEOUT_MS = 2000;

/**
 * Each endpoint's parallel slots, as its server reports them (llama.cpp `GET /props`
 * `total_slots`), read when first needed and again a minute later. Unknown (no answer, no field)
 * counts as none: the client fans out, as it must for a server without `n_cmpl`.
 */
export class ServerSlots {
  private readonly known = new Map<Endpoint, { slots: Promise<number | undefined>; at: number }>();

  constructor(
    private readonly source: NonNullable<PolicyDialect['slots']>,
    private readonly now: () => number = Date.now,
  ) {}

  of(endpoint: Endpoint): Promise<number | undefined> {
    const cached = this.known.get(endpoint);
    if (cached !== undefined && this.now() - cached.at < SLOTS_TTL_MS) return cached.slots;
    const slots = endpoint
      .getJson(this.source.path, SLOTS_TIMEOUT_MS)
      .then((json) => (json === undefined ? undefined : this.source.read(json)));
    this.known.set(endpoint, { slots, at: this.now() });
    return slots;
  }
}
