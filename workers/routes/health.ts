/** `GET /healthz` — liveness plus what is being served (model version, vector index backend). */
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { readManifest } from "../store/kv-store";

/** The health route. */
export const healthRoute = new Hono<AppEnv>().get("/", async (c) => {
  const manifest = await readManifest(c.env.KV).catch(() => null);
  return c.json({
    status: "ok",
    vector_index_backend: c.env.VECTOR_INDEX_BACKEND,
    model_version: manifest?.modelVersion ?? null,
  });
});
