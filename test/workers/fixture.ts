/**
 * A small catalogue with a known answer for workerd tests: 4 categories × 10 items whose 4-d
 * vectors point along one axis each, users whose vectors point at one category, popular lists.
 * Seeded through the real admin routes and KV, as the publisher does it.
 */
import { env } from "cloudflare:workers";
import { ITEM_METADATA_INDEXES } from "../../shared/artifacts/item-metadata";
import { kvKeys, type PopularList, type UserRecord } from "../../shared/artifacts/kv-keys";
import type { ContentEncoderModel } from "../../shared/content/content-encoder";
import { contentFeatureCount } from "../../shared/content/content-features";
import { buildFoldInModel } from "../../shared/realtime/build-fold-in-model";
import type { FoldInModel } from "../../shared/realtime/fold-in-model";
import { adminHeaders, call } from "./helpers";

export const CATEGORIES = ["Action", "Comedy", "Drama", "Horror"] as const;
const NOW_SECONDS = Date.UTC(2026, 0, 1) / 1000;

/** Item id of the `i`th item (0..9) of category `c` (0..3). */
export function itemId(c: number, i: number): string {
  return `i-${CATEGORIES[c]!.toLowerCase()}-${String(i).padStart(2, "0")}`;
}

/** The vector of item (c, i): mostly axis c, slightly less for higher i (so i orders the ANN list). */
export function itemVector(c: number, i: number): number[] {
  return CATEGORIES.map((_, axis) => (axis === c ? 1 - i * 0.02 : 0.05));
}

/** Trained users: `fan-<category>` likes that category and has seen its item 0. */
export function fanOf(c: number): string {
  return `fan-${CATEGORIES[c]!.toLowerCase()}`;
}

/** Loads the fixture into the embedded index and KV. */
export async function seedFixture(): Promise<void> {
  const configure = await call("/v1/admin/index", {
    method: "PUT",
    headers: { ...adminHeaders, "content-type": "application/json" },
    body: JSON.stringify({ dimensions: 4, metric: "dot-product", metadata_indexes: ITEM_METADATA_INDEXES }),
  });
  if (!configure.ok) throw new Error(`configure failed: ${await configure.text()}`);
  const lines: string[] = [];
  CATEGORIES.forEach((category, c) => {
    for (let i = 0; i < 10; i++) {
      lines.push(
        JSON.stringify({
          id: itemId(c, i),
          values: itemVector(c, i),
          metadata: {
            category,
            popularity: 100 - i,
            recent_popularity: i % 3,
            released_at: NOW_SECONDS - i * 86400 * 30,
            sponsored: false,
            title: `${category} ${i}`,
            genres: [category],
          },
        }),
      );
    }
  });
  const upload = await call("/v1/admin/index/vectors", {
    method: "POST",
    headers: { ...adminHeaders, "content-type": "application/x-ndjson" },
    body: lines.join("\n"),
  });
  if (!upload.ok) throw new Error(`upload failed: ${await upload.text()}`);

  for (let c = 0; c < CATEGORIES.length; c++) {
    const record: UserRecord = {
      vector: CATEGORIES.map((_, axis) => (axis === c ? 1 : 0)),
      history: [itemId(c, 0)],
      activity: 12,
      modelVersion: "fixture-v1",
    };
    await env.KV.put(kvKeys.user(fanOf(c)), JSON.stringify(record));
  }
  const popular: PopularList = {
    generatedAt: "2026-01-01T00:00:00.000Z",
    // Horror is the most popular category, then Drama…
    items: [3, 2, 1, 0].flatMap((c) =>
      Array.from({ length: 3 }, (_, i) => ({ itemId: itemId(c, i), score: 100 - c * 10 - i, category: CATEGORIES[c]! })),
    ),
  };
  await env.KV.put(kvKeys.popularAll, JSON.stringify(popular));
  await env.KV.put(
    kvKeys.popularCategory("Comedy"),
    JSON.stringify({ ...popular, items: popular.items.filter((item) => item.category === "Comedy") }),
  );
}

/** Model version of the fixture's real-time models. */
export const FIXTURE_MODEL_VERSION = "fixture-v1";

/**
 * The fold-in model of the fixture catalogue, as the pipeline would publish it: YᵀY over the 40
 * item vectors, λ = 1, α = 2, the mean vector of each category, and one demographic segment
 * (`age_bucket:18-24`) whose users lean to Comedy.
 */
export function fixtureFoldInModel(): FoldInModel {
  const itemFactors = CATEGORIES.flatMap((_, c) => Array.from({ length: 10 }, (_, i) => itemVector(c, i))).flat();
  const itemCategories = CATEGORIES.flatMap((category) => Array.from({ length: 10 }, () => category));
  const userFactors = Array.from({ length: 20 }, () => [0, 0.6, 0, 0]).flat();
  const userSegments = Array.from({ length: 20 }, () => ["age_bucket:18-24"]);
  return buildFoldInModel({
    modelVersion: FIXTURE_MODEL_VERSION,
    dimensions: 4,
    itemFactors,
    regularization: 1,
    alpha: 2,
    itemCategories,
    userFactors,
    userSegments,
  });
}

/**
 * A content encoder for the fixture space, written by hand: each genre maps onto its category's
 * axis with weight 1.2 (so a new item outranks the catalogue's own items of that category for
 * the category's fans); year and title words carry no weight.
 */
export function fixtureContentEncoder(): ContentEncoderModel {
  const features = { genres: [...CATEGORIES], decades: { first: 0, count: 0 }, year: { mean: 2000, std: 10 }, titleBuckets: 0 };
  const weights = new Array<number>(contentFeatureCount(features) * 4).fill(0);
  CATEGORIES.forEach((_, g) => {
    weights[(1 + g) * 4 + g] = 1.2;
  });
  return { kind: "linear-content-encoder", modelVersion: FIXTURE_MODEL_VERSION, dimensions: 4, features, weights, ridge: 1 };
}

/** Publishes the fold-in model and the content encoder to KV, as the pipeline does. */
export async function seedRealtimeModels(): Promise<void> {
  await env.KV.put(kvKeys.foldIn, JSON.stringify(fixtureFoldInModel()));
  await env.KV.put(kvKeys.contentEncoder, JSON.stringify(fixtureContentEncoder()));
}
