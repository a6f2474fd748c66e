/**
 * Onboarding steers the first list: a user who picks a small niche category at
 * `PUT /v1/users/:id/preferences` sees it in their first top 10. The fixture catalogue gets six
 * Western items with short vectors (as a niche category's trained vectors are next to popular
 * items'), none of them in the overall popular list: the fold-in of the Western mean vector alone
 * points the ANN query at the large Action vectors, and the exploration pool holds no Western item,
 * so without the `preferred` source the list has no Western at all (the control case below).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { buildFoldInModel } from "../../shared/realtime/build-fold-in-model";
import { recommend } from "../../workers/recommend/recommend";
import { serveRecommendation } from "../../workers/recommend/serve-recommendation";
import { recommendDepsFor } from "../../workers/services";
import { CATEGORIES, FIXTURE_MODEL_VERSION, fanOf, itemVector, seedFixture, seedRealtimeModels } from "./fixture";
import { adminHeaders, call, json } from "./helpers";

const WESTERNS = Array.from({ length: 6 }, (_, i) => `i-western-${i}`);
const westernVector = (i: number) => [0.12 - i * 0.005, 0.1, 0.08, 0.06];

beforeAll(async () => {
  await seedFixture();
  await seedRealtimeModels();
  const lines = WESTERNS.map((id, i) =>
    JSON.stringify({
      id,
      values: westernVector(i),
      metadata: {
        category: "Western",
        popularity: 5 - i,
        released_at: 1_700_000_000,
        sponsored: false,
        title: `Western ${i}`,
        genres: ["Western"],
      },
    }),
  );
  const upload = await call("/v1/admin/index/vectors", {
    method: "POST",
    headers: { ...adminHeaders, "content-type": "application/x-ndjson" },
    body: lines.join("\n"),
  });
  expect(upload.status, await upload.clone().text()).toBeLessThan(300);
  // The pipeline publishes a popular list per category, and the fold-in model's category means.
  const western: PopularList = {
    generatedAt: "2026-01-01T00:00:00.000Z",
    items: WESTERNS.map((id, i) => ({ itemId: id, score: 10 - i, category: "Western", popularity: 5 - i })),
  };
  await env.KV.put(kvKeys.popularCategory("Western"), JSON.stringify(western));
  const factors = [
    ...CATEGORIES.flatMap((_, c) => Array.from({ length: 10 }, (_, i) => itemVector(c, i))),
    ...WESTERNS.map((_, i) => westernVector(i)),
  ];
  const foldIn = buildFoldInModel({
    modelVersion: FIXTURE_MODEL_VERSION,
    dimensions: 4,
    itemFactors: factors.flat(),
    regularization: 1,
    alpha: 2,
    itemCategories: [...CATEGORIES.flatMap((category) => Array.from({ length: 10 }, () => category)), ...WESTERNS.map(() => "Western")],
  });
  expect(foldIn.categoryVectors?.Western).toBeDefined();
  await env.KV.put(kvKeys.foldIn, JSON.stringify(foldIn));
});

async function prefer(userId: string, categories: string[]): Promise<void> {
  const response = await call(`/v1/users/${userId}/preferences`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ categories }),
  });
  expect(response.status).toBe(200);
}

const westerns = (items: readonly { category?: string }[]) => items.filter((item) => item.category === "Western").length;

describe("onboarding preferences steer the first list", () => {
  it("puts the preferred category in a new user's first top 10", async () => {
    await prefer("onb-western", ["Western"]);
    const response = await call("/v1/recommendations?user_id=onb-western&n=10", { headers: { "x-request-id": "req-onb-western" } });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.user_vector.source).toBe("session");
    expect(body.items[0]).toMatchObject({
      item_id: WESTERNS[0],
      source: "preferred",
      category: "Western",
      reason: { code: "preferred_category", text: "Because you like Western", category: "Western" },
    });
    expect(westerns(body.items)).toBeGreaterThanOrEqual(3);
  });

  it("still does under the default rules, which cap a category at 3 of 10", async () => {
    await prefer("onb-default-rules", ["Western"]);
    const served = await serveRecommendation(
      { ...env, SERVING_CONFIG: "{}" },
      { requestId: "req-onb-default", userId: "onb-default-rules", surface: "home", n: 10 },
      () => {},
    );
    expect(westerns(served.items)).toBeGreaterThanOrEqual(1);
    expect(westerns(served.items)).toBeLessThanOrEqual(3);
  });

  it("shows no Western without the preferred source (the fold-in of the category mean alone does not steer)", async () => {
    await prefer("onb-control", ["Western"]);
    const config = { surfaces: { home: { n: 10, sources: [{ source: "ann" }], rerank: [] } } };
    const served = await serveRecommendation(
      { ...env, SERVING_CONFIG: JSON.stringify(config) },
      { requestId: "req-onb-control", userId: "onb-control", surface: "home", n: 10 },
      () => {},
    );
    expect(served.user_vector.source).toBe("session");
    expect(westerns(served.items)).toBe(0);
  });

  it("steps back once the user's own history reaches max_activity", async () => {
    // fan-action has 12 trained interactions.
    await prefer(fanOf(0), ["Western"]);
    const withLimit = (max_activity: number) =>
      serveRecommendation(
        {
          ...env,
          SERVING_CONFIG: JSON.stringify({
            surfaces: { home: { n: 10, sources: [{ source: "preferred", max_activity }, { source: "ann" }], rerank: [] } },
          }),
        },
        { requestId: `req-onb-limit-${max_activity}`, userId: fanOf(0), surface: "home", n: 10 },
        () => {},
      );
    expect(westerns((await withLimit(20)).items)).toBeGreaterThanOrEqual(3);
    expect(westerns((await withLimit(10)).items)).toBe(0);
  });
});

describe("onboarding preferences in the ranker's rows", () => {
  it("count as category evidence: a new user's Western candidates carry category_affinity before any event", async () => {
    await prefer("onb-affinity", ["Western", "Drama"]);
    let rows: readonly (readonly number[])[] = [];
    const body = await recommend(
      { requestId: "req-onb-affinity", userId: "onb-affinity", n: 20, surface: "home", now: new Date() },
      {
        ...recommendDepsFor(env),
        rankers: [],
        exploration: { share: 0 },
        onFeatureRows: (features) => {
          rows = features.rows;
        },
      },
    );
    const column = FEATURE_SPEC.names.indexOf("category_affinity");
    const byCategory = new Map(body.items.map((item, i) => [item.category, rows[i]![column]]));
    expect(byCategory.get("Western")).toBe(0.5);
    expect(byCategory.get("Drama") ?? 0.5).toBe(0.5);
    for (const [category, value] of byCategory) if (category !== "Western" && category !== "Drama") expect(value).toBe(0);
  });
});
