import { z } from 'zod';

/**
 * One inference server as every layer passes it on, unchanged, from the compiled plan through
 * the round manifest to the clients: its base URL and its label in metrics and errors.
 */
export const EndpointSchema = z.strictObject({ url: z.string().url(), name: z.string().min(1) });
export type Endpoint = z.infer<typeof EndpointSchema>;

/** An endpoint as people write it (a plan, a hook's result, client options): a URL, or a URL and a name. */
export type EndpointInput = string | { readonly url: string; readonly name?: string | undefined };

/**
 * The one rule naming an endpoint: the given name, else the URL's `host:port` (the port only
 * when the URL has one, as `URL.host` gives it).
 */
export function resolveEndpoint(input: EndpointInput): Endpoint {
  const url = typeof input === 'string' ? input : input.url;
  const name = typeof input === 'string' ? undefined : input.name;
  return { url, name: name ?? new URL(url).host };
}
