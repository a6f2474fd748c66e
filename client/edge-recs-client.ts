/**
 * A typed client of the edge-recs API for TypeScript users: openapi-fetch over the types generated
 * from the OpenAPI document (api-types.ts, from openapi.json). Paths, parameters, bodies and
 * answers are checked by the compiler; `error` is the API's `{error: {code, message, details?}}`.
 *
 * @example
 * const api = createEdgeRecsClient({ baseUrl: "https://recs.example.com", credential: process.env.RECS_KEY! });
 * const { data, error } = await api.GET("/v1/recommendations", { params: { query: { user_id: "u00042", n: 10 } } });
 */
import createClient, { type Client } from "openapi-fetch";
import type { components, paths } from "./api-types";

/** The client: `GET`, `POST`, `PUT`, `DELETE` on the API's paths. */
export type EdgeRecsClient = Client<paths>;

/** The body of every error answer. */
export type ApiErrorBody = components["schemas"]["ApiError"];

/** Options of {@link createEdgeRecsClient}. */
export interface EdgeRecsClientOptions {
  /** Where the Worker answers, e.g. `https://recs.example.com` or `http://127.0.0.1:8787`. */
  baseUrl: string;
  /** A server key, a user token or the admin key, sent as `Authorization: Bearer …`; none for `/healthz`. */
  credential?: string;
  /** A fetch to send requests with (default: the global one), e.g. a service binding's. */
  fetch?: (request: Request) => Promise<Response>;
}

/** A typed client of the API at `baseUrl`. */
export function createEdgeRecsClient(options: EdgeRecsClientOptions): EdgeRecsClient {
  const { baseUrl, credential, fetch } = options;
  return createClient<paths>({
    baseUrl,
    ...(credential ? { headers: { authorization: `Bearer ${credential}` } } : {}),
    ...(fetch ? { fetch } : {}),
  });
}
