/**
 * Three test projects: `unit` runs pure logic, the pipeline and the sidecar in Node; `browser` drives
 * the operator console in headless Chromium against a local Worker; `workers` runs the Worker and
 * Durable Objects inside workerd through @cloudflare/vitest-pool-workers.
 */
import { mkdirSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { TEST_ES256_PUBLIC_JWK, TEST_RANKER_TOKEN, TEST_USER_TOKEN_SECRET } from "./test/support/user-token-keys";

process.env.WRANGLER_SEND_METRICS = "false";
process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
// wrangler.toml's [assets] folder must exist for the workerd pool to start; `npm test` builds the
// console into it first, and the browser test builds its own copy, so a bare `vitest run` only needs the folder.
mkdirSync(new URL("./build/assets", import.meta.url), { recursive: true });

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
      {
        test: {
          // The operator console in headless Chromium against a local Worker (test/browser/console.test.ts;
          // skipped with a message where /usr/bin/chromium is absent).
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        plugins: [
          cloudflareTest({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              // The event queue as wrangler.toml configures it, but quicker: batches wait at most 1 s
              // and a failing message reaches the dead-letter queue after 2 retries (no retry delay:
              // EVENT_RETRY_DELAY_SECONDS below).
              queueConsumers: {
                "edge-recs-events": { maxBatchSize: 100, maxBatchTimeout: 1, maxRetries: 2, deadLetterQueue: "edge-recs-events-dlq" },
                "edge-recs-events-dlq": { maxBatchSize: 100, maxBatchTimeout: 1 },
              },
              bindings: {
                EVENT_RETRY_DELAY_SECONDS: "0",
                // Request metrics reach their aggregate within 50 ms instead of 1 s: a test waits for
                // each request's background work, and the first request of a window carries the flush.
                METRICS_BATCH_MS: "50",
                ADMIN_TOKEN: "test-admin-token",
                RANKER_TOKEN: TEST_RANKER_TOKEN,
                USER_TOKEN_SECRET: TEST_USER_TOKEN_SECRET,
                USER_TOKEN_JWKS: JSON.stringify({ keys: [TEST_ES256_PUBLIC_JWK] }),
                VECTOR_INDEX_BACKEND: "embedded",
                // Nothing listens here: the sidecar-down fallback is exercised by default.
                RANKER_URL: "http://127.0.0.1:9",
                // Trending shards flush only when a test asks (POST /v1/trending/flush), never on their own.
                TRENDING_FLUSH_SECONDS: "3600",
                // Route tests assert the funnel's retrieval and ranking; re-ranking rules are tested on
                // their own (test/workers/rerank.test.ts builds them from the default config).
                // One single-arm experiment (no overrides) so routes record live A/B counters.
                SERVING_CONFIG: JSON.stringify({
                  surfaces: { home: { n: 10, rerank: [] } },
                  experiments: [{ id: "route-exp", traffic: 1, arms: [{ name: "only", weight: 1 }] }],
                }),
              },
            },
          }),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          // A real sidecar for test/workers/live-sidecar.test.ts (inject("rankerUrl")).
          globalSetup: ["test/support/live-sidecar-setup.ts"],
        },
      },
    ],
  },
});
