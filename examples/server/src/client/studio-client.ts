import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi-types.js';

/** Settings of {@link createStudioClient}. */
export interface StudioClientSettings {
  /** The server's URL, e.g. `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** An API key (`msk_...`), sent as `Authorization: Bearer`. */
  apiKey: string;
  /** A `fetch` to use (tests, proxies). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

/** A typed client of the server: `client.GET('/v1/models')`, `client.POST('/v1/models', { body })`, ... */
export type StudioClient = Client<paths>;

/**
 * A typed client for the example server, generated from its OpenAPI document (openapi-fetch): paths, parameters,
 * bodies and answers are typed; errors come back as `{ error }` with the problem details.
 *
 * @example
 * ```ts no-run
 * const client = createStudioClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: process.env.STUDIO_KEY! });
 * const { data, error } = await client.GET('/v1/models/{model}', { params: { path: { model: 'andie' } } });
 * ```
 */
export function createStudioClient(settings: StudioClientSettings): StudioClient {
  return createClient<paths>({
    baseUrl: settings.baseUrl.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${settings.apiKey}` },
    ...(settings.fetch && { fetch: settings.fetch }),
  });
}
