/**
 * The ranking rungs of the fallback ladder inside workerd, with the sidecar down (nothing listens
 * on the test RANKER_URL) or hanging: the light ranker serves from its KV model and the response
 * says so; with the light ranker unavailable too (or its model built for another feature spec),
 * retrieval order serves; and after N failures the circuit breaker skips the sidecar without
 * waiting for its timeout, until a probe finds it back.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import type { LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { CircuitBreaker } from "../../workers/ranking/circuit-breaker";
import { withCircuitBreaker } from "../../workers/ranking/circuit-breaker-ranker";
import { createLightRanker } from "../../workers/ranking/light";
import { createSidecarRanker } from "../../workers/ranking/sidecar";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import type { RecommendResponse } from "../../workers/recommend/recommend-response";
import { recommendDepsFor } from "../../workers/services";
import { fanOf, seedFixture } from "./fixture";
import { call, json } from "./helpers";

const lightModel: LinearRankerModel = { ...inject("rankerModel"), modelVersion: "light-ladder-v1" };
const noModelKv = { get: async () => null } as unknown as KVNamespace;

beforeAll(async () => {
  await seedFixture();
  await env.KV.put(kvKeys.lightRanker, JSON.stringify(lightModel));
});

const request = (userId: string, requestId = "req-ranking-ladder") => ({
  requestId,
  userId,
  n: 5,
  surface: "home" as const,
  now: new Date("2026-01-01T00:00:00Z"),
});
const downSidecar = () => createSidecarRanker({ baseUrl: env.RANKER_URL, token: env.RANKER_TOKEN, timeoutMs: 5000 });
const deps = (rankers: RecommendDeps["rankers"]): RecommendDeps => ({ ...recommendDepsFor(env), rankers });
const rankerFallbacks = (body: RecommendResponse) => body.fallbacks.filter((fallback) => fallback.stage === "ranker");
/** Scores of the items the ranker placed (exploration picks keep their own slots). */
const rankedScores = (body: RecommendResponse) => body.items.filter((item) => !item.exploration).map((item) => item.score);

describe("ranking fallback ladder", () => {
  it("serves with the light ranker when the sidecar is down, through the Worker's own wiring", async () => {
    const response = await call(`/v1/recommendations?user_id=${fanOf(1)}&n=5`);
    expect(response.status).toBe(200);
    const body = await json<RecommendResponse>(response);
    expect(body.ranker).toBe("light");
    expect(body.model_version).toBe("light-ladder-v1");
    expect(rankerFallbacks(body)).toEqual([
      {
        stage: "ranker",
        reason: expect.stringMatching(/^(unavailable|circuit_open)$/),
        used: "light",
        detail: expect.stringMatching(/^sidecar: /),
      },
    ]);
    const scores = rankedScores(body);
    expect(scores.length).toBeGreaterThan(0);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
    expect(scores.every((score) => score > 0 && score < 1)).toBe(true);
  });

  it("falls back to retrieval order when the light ranker has no model either, listing both", async () => {
    const body = await recommend(request(fanOf(2)), deps([downSidecar(), createLightRanker({ kv: noModelKv, cacheTtlMs: 0 })]));
    expect(body.ranker).toBe("retrieval_order");
    expect(rankerFallbacks(body)).toEqual([
      { stage: "ranker", reason: "unavailable", used: "retrieval_order", detail: expect.stringMatching(/^sidecar: sidecar unreachable/) },
      {
        stage: "ranker",
        reason: "unavailable",
        used: "retrieval_order",
        detail: expect.stringMatching(/^light: light ranker: no model published/),
      },
    ]);
    expect(body.items).toHaveLength(5);
  });

  it("refuses a light model trained for another feature spec and serves retrieval order", async () => {
    const staleKv = { get: async () => JSON.stringify({ ...lightModel, featureSpecHash: "0badc0de" }) } as unknown as KVNamespace;
    const body = await recommend(request(fanOf(3)), deps([downSidecar(), createLightRanker({ kv: staleKv, cacheTtlMs: 0 })]));
    expect(body.ranker).toBe("retrieval_order");
    expect(rankerFallbacks(body)[1]).toEqual({
      stage: "ranker",
      reason: "rejected",
      used: "retrieval_order",
      detail: expect.stringContaining('trained with feature spec "0badc0de"'),
    });
  });

  it("opens the circuit after N failures and then skips the sidecar without waiting for its timeout", async () => {
    let now = 0;
    let sidecarUp = false;
    let sidecarCalls = 0;
    /** Hangs until the request's own timeout aborts it, unless the sidecar is "up" (then the live sidecar answers). */
    const switchableFetch: typeof fetch = (input, init) => {
      sidecarCalls++;
      if (sidecarUp) return fetch(input, init);
      return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)));
    };
    const breaker = new CircuitBreaker({ failureThreshold: 3, cooldownMs: 10_000, now: () => now });
    /** The sidecar ranker behind the shared breaker; a short timeout while it hangs, a generous one for the probe. */
    const ladder = (timeoutMs: number) =>
      deps([
        withCircuitBreaker(
          createSidecarRanker({ baseUrl: inject("rankerUrl"), token: env.RANKER_TOKEN, timeoutMs, fetch: switchableFetch }),
          breaker,
        ),
        createLightRanker({ kv: env.KV, cacheTtlMs: 0 }),
      ]);
    const serve = (i: number, timeoutMs = 20) => recommend(request(fanOf(0), `req-breaker-${i}`), ladder(timeoutMs));

    const reasons: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = await serve(i);
      expect(body.ranker).toBe("light");
      reasons.push(...rankerFallbacks(body).map((fallback) => `${fallback.reason}→${fallback.used}`));
    }
    expect(reasons).toEqual(["timeout→light", "timeout→light", "timeout→light", "circuit_open→light", "circuit_open→light"]);
    expect(sidecarCalls).toBe(3);
    expect(breaker.state).toBe("open");

    now += 10_000;
    sidecarUp = true;
    const probed = await serve(5, 10_000);
    expect(probed.ranker).toBe("sidecar");
    expect(rankerFallbacks(probed)).toEqual([]);
    expect(sidecarCalls).toBe(4);
    expect(breaker.state).toBe("closed");
  });
});
