/**
 * The Worker's funnel against a real ranking sidecar (started by test/support/live-sidecar-setup.ts
 * with the fixture ranker on loopback, requiring the Worker's RANKER_TOKEN): scores come from the
 * ONNX model, the services built from the Worker's env reach it with the token, and a sidecar that
 * refuses the credential, rejects the request (feature-spec mismatch) or is too slow makes the
 * funnel fall back visibly to the light ranker (its model put in KV here), or to retrieval order
 * when there is no other ranker.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { buildFeatureRow } from "../../shared/features/feature-spec";
import { scoreLinear } from "../../shared/ranking/linear-ranker";
import { createLightRanker } from "../../workers/ranking/light";
import type { Ranker } from "../../workers/ranking/ranker";
import { createSidecarRanker } from "../../workers/ranking/sidecar";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { recommendDepsFor } from "../../workers/services";
import { fanOf, seedFixture } from "./fixture";

const lightModel = { ...inject("rankerModel"), modelVersion: "light-live-v1" };

beforeAll(async () => {
  await seedFixture();
  await env.KV.put(kvKeys.lightRanker, JSON.stringify(lightModel));
});

const request = (userId: string) => ({
  requestId: "req-live-1",
  userId,
  n: 5,
  surface: "home" as const,
  now: new Date("2026-01-01T00:00:00Z"),
});

function depsWith(...rankers: Ranker[]): RecommendDeps {
  return { ...recommendDepsFor(env), rankers };
}
const light = () => createLightRanker({ kv: env.KV, cacheTtlMs: 0 });
const liveSidecar = (options: { timeoutMs?: number; token?: string } = {}) =>
  createSidecarRanker({ baseUrl: inject("rankerUrl"), token: env.RANKER_TOKEN, timeoutMs: 5000, ...options });

describe("sidecar ranker (live)", () => {
  it("scores every row like the trained model", async () => {
    const ranker = liveSidecar();
    const rows = [0, 1, 2].map((rank) =>
      buildFeatureRow({
        retrievalScore: 1 - rank / 10,
        retrievalRank: rank,
        itemPopularity: 50,
        itemReleasedAt: 1.7e9,
        itemSponsored: rank === 2,
        userActivity: 3,
        nowSeconds: 1.76e9,
      }),
    );
    const model = inject("rankerModel");
    const result = await ranker.rank({ rows, featureSpecHash: model.featureSpecHash });
    expect(result.modelVersion).toBe(model.modelVersion);
    result.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
    });
  });

  it("serves recommendations ranked by the sidecar, with no fallback", async () => {
    const body = await recommend(request(fanOf(1)), depsWith(liveSidecar(), light()));
    expect(body.ranker).toBe("sidecar");
    expect(body.model_version).toBe(inject("rankerModel").modelVersion);
    expect(body.fallbacks).toEqual([]);
    expect(body.items).toHaveLength(5);
    const scores = body.items.map((item) => item.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("falls back to the light ranker when the sidecar rejects the feature spec", async () => {
    const sidecar = liveSidecar();
    const mismatched: Ranker = { name: sidecar.name, rank: (req) => sidecar.rank({ ...req, featureSpecHash: "00000000" }) };
    const body = await recommend(request(fanOf(2)), depsWith(mismatched, light()));
    expect(body.ranker).toBe("light");
    expect(body.model_version).toBe("light-live-v1");
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", reason: "rejected", used: "light" }));
    expect(body.items).toHaveLength(5);
  });

  it("falls back when the sidecar does not answer in time: to the light ranker, or to retrieval order without one", async () => {
    const slow = () => liveSidecar({ timeoutMs: 0.001 });
    const withLight = await recommend(request(fanOf(3)), depsWith(slow(), light()));
    expect(withLight.ranker).toBe("light");
    expect(withLight.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", reason: "timeout", used: "light" }));
    const alone = await recommend(request(fanOf(3)), depsWith(slow()));
    expect(alone.ranker).toBe("retrieval_order");
    expect(alone.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", reason: "timeout", used: "retrieval_order" }));
  });

  it("ranks through the Worker's own services: the sidecar from RANKER_URL, authenticated with RANKER_TOKEN", async () => {
    const workerEnv = { ...env, RANKER_URL: inject("rankerUrl"), RANKER_TIMEOUT_MS: "5000" };
    const body = await recommend(request(fanOf(0)), recommendDepsFor(workerEnv));
    expect(body.ranker).toBe("sidecar");
    expect(body.model_version).toBe(inject("rankerModel").modelVersion);
    expect(body.fallbacks).toEqual([]);
  });

  it("falls back to the light ranker, as unavailable, when the sidecar refuses the Worker's token", async () => {
    const wrong = liveSidecar({ token: "not-the-ranker-token-0123456789" });
    await expect(wrong.rank({ rows: [], featureSpecHash: inject("rankerModel").featureSpecHash })).rejects.toMatchObject({
      reason: "unavailable",
      message: expect.stringContaining("RANKER_TOKEN"),
    });
    const body = await recommend(request(fanOf(2)), depsWith(wrong, light()));
    expect(body.ranker).toBe("light");
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", reason: "unavailable", used: "light" }));
  });
});
