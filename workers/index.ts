/**
 * Worker entry point: the Hono edge app plus the Durable Object classes wrangler binds
 * (UserSession for per-user state, EmbeddedVectorIndex for the local/small-catalog ANN index).
 */
import { createApp } from "./app";

export { UserSession } from "../durable-objects/user-session";
export { EmbeddedVectorIndex } from "../durable-objects/embedded-vector-index";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
