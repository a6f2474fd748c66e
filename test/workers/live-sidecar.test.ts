/**
 * The Worker's funnel against a real ranking sidecar (started by test/support/live-sidecar-setup.ts
 * with the fixture ranker on loopback): scores come from the ONNX model, and a sidecar that
 * rejects the request (feature-spec mismatch) or is too slow makes the funnel fall back visibly.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { buildFeatureRow } from "../../shared/features/feature-spec";
import { scoreLinear } from "../../shared/ranking/linear-ranker";
import { createSidecarRanker } from "../../workers/ranking/sidecar";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { recommendDepsFor } from "../../workers/services";
import { fanOf, seedFixture } from "./fixture";

beforeAll(seedFixture);

const request = (userId: string) => ({ requestId: "req-live-1", userId, n: 5, surface: "home" as const, now: new Date("2026-01-01T00:00:00Z") });

function depsWith(ranker: ReturnType<typeof createSidecarRanker>): RecommendDeps {
  return { ...recommendDepsFor(env), rankers: [ranker] };
}

describe("sidecar ranker (live)", () => {
  it("scores every row like the trained model", async () => {
    const ranker = createSidecarRanker({ baseUrl: inject("rankerUrl"), timeoutMs: 5000 });
    const rows = [0, 1, 2].map((rank) =>
      buildFeatureRow({ retrievalScore: 1 - rank / 10, retrievalRank: rank, itemPopularity: 50, itemReleasedAt: 1.7e9, itemSponsored: rank === 2, userActivity: 3, nowSeconds: 1.76e9 }),
    );
    const model = inject("rankerModel");
    const result = await ranker.rank({ rows, featureSpecHash: model.featureSpecHash });
    expect(result.modelVersion).toBe(model.modelVersion);
    result.scores.forEach((score, i) => expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5));
  });

  it("serves recommendations ranked by the sidecar, with no fallback", async () => {
    const body = await recommend(request(fanOf(1)), depsWith(createSidecarRanker({ baseUrl: inject("rankerUrl"), timeoutMs: 5000 })));
    expect(body.ranker).toBe("sidecar");
    expect(body.model_version).toBe(inject("rankerModel").modelVersion);
    expect(body.fallbacks).toEqual([]);
    expect(body.items).toHaveLength(5);
    const scores = body.items.map((item) => item.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("falls back to retrieval order when the sidecar rejects the feature spec", async () => {
    const sidecar = createSidecarRanker({ baseUrl: inject("rankerUrl"), timeoutMs: 5000 });
    const mismatched = { name: sidecar.name, rank: (req: Parameters<typeof sidecar.rank>[0]) => sidecar.rank({ ...req, featureSpecHash: "00000000" }) };
    const body = await recommend(request(fanOf(2)), depsWith(mismatched));
    expect(body.ranker).toBe("retrieval_order");
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", reason: "rejected", used: "retrieval_order" }));
    expect(body.items).toHaveLength(5);
  });

  it("falls back when the sidecar does not answer in time", async () => {
    const body = await recommend(request(fanOf(3)), depsWith(createSidecarRanker({ baseUrl: inject("rankerUrl"), timeoutMs: 0.001 })));
    expect(body.ranker).toBe("retrieval_order");
    expect(body.fallbacks).toContainEqual(expect.objectContaining({ stage: "ranker", used: "retrieval_order" }));
  });
});
