/**
 * `GET /healthz` — liveness plus what is being served: the current release (`model_version`; the
 * release id is its model version), the canary when one runs, and the vector index backend. Before
 * any release is published, the model version of the unscoped manifest.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app-env";
import { releaseKv } from "../releases/release-kv";
import { operation } from "../openapi/operation";
import { readReleasePointer } from "../releases/serving-release";
import { readManifest } from "../store/kv-store";

const healthResponse = z.object({
  status: z.literal("ok"),
  vector_index_backend: z.string(),
  model_version: z.string().nullable(),
  release: z
    .object({
      current: z.string(),
      previous: z.string().nullable(),
      canary: z.object({ release: z.string(), share: z.number() }).nullable(),
    })
    .optional()
    .describe("Once a release is published: the pointer."),
});

/** The health route. */
export const healthRoute = new Hono<AppEnv>().get(
  "/",
  operation({ summary: "Liveness and what is being served", tag: "health", access: "public", response: healthResponse }),
  async (c) => {
    const pointer = await readReleasePointer(c.env.KV).catch(() => null);
    const manifest = await readManifest(pointer ? releaseKv(c.env.KV, pointer.current) : c.env.KV).catch(() => null);
    return c.json({
      status: "ok",
      vector_index_backend: c.env.VECTOR_INDEX_BACKEND,
      model_version: manifest?.modelVersion ?? pointer?.current ?? null,
      ...(pointer ? { release: { current: pointer.current, previous: pointer.previous, canary: pointer.canary } } : {}),
    });
  },
);
