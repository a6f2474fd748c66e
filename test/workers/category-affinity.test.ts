/**
 * `category_affinity` at the edge (feature spec v4): the trained part comes from the user's KV
 * record, written by the export with the function the pipeline's feature builder uses, and the
 * session's live affinity adds to it. A returning user with no new events gets the value the
 * pipeline computed (before v4 the edge read the session alone, so it was 0); a click moves it.
 * The sequence features (v5) likewise: the record's history and category times, then the session's.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type UserRecord } from "../../shared/artifacts/kv-keys";
import { trainedCategoryAffinity } from "../../shared/features/category-affinity";
import { FEATURE_SPEC, type FeatureName } from "../../shared/features/feature-spec";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { recommendDepsFor } from "../../workers/services";
import { CATEGORIES, itemId, seedFixture } from "./fixture";
import { postJson } from "./helpers";

const USER = "returning-horror";
const COLUMN = FEATURE_SPEC.names.indexOf("category_affinity");

beforeAll(async () => {
  await seedFixture();
  // Three Horror items and one Drama item in the training history; the export writes the counts.
  const history = [itemId(3, 0), itemId(3, 1), itemId(3, 2), itemId(2, 0)];
  const record: UserRecord = {
    vector: [0.2, 0.2, 0.2, 0.2],
    history,
    activity: history.length,
    modelVersion: "fixture-v1",
    categoryAffinity: trainedCategoryAffinity(["Horror", "Horror", "Horror", "Drama"]),
  };
  await env.KV.put(kvKeys.user(USER), JSON.stringify(record));
});

/** One ANN-only request of `userId` with every candidate's feature row, in the response's order first. */
async function rankedRows(userId: string, requestId: string, n: number) {
  let rows: readonly (readonly number[])[] = [];
  const deps: RecommendDeps = {
    ...recommendDepsFor(env),
    rankers: [],
    exploration: { share: 0 },
    sources: [{ source: "ann", top_k: 100 }],
    onFeatureRows: (features) => {
      rows = features.rows;
    },
  };
  const body = await recommend({ requestId, userId, n, surface: "home", now: new Date() }, deps);
  // Every candidate reaches the ranker in retrieval order; the response lists the first n of them.
  expect(rows.length).toBeGreaterThanOrEqual(body.items.length);
  return { items: body.items, rows };
}

/** category_affinity of each candidate category the ranker saw, for one request. */
async function affinityByCategory(requestId: string): Promise<Record<string, number>> {
  const { items, rows } = await rankedRows(USER, requestId, 30);
  const byCategory: Record<string, number> = {};
  items.forEach((item, i) => {
    if (item.category) byCategory[item.category] = rows[i]![COLUMN]!;
  });
  return byCategory;
}

describe("category_affinity online", () => {
  it("is the pipeline's value for a returning user with no new events", async () => {
    const affinity = await affinityByCategory("req-affinity-returning");
    expect(Object.keys(affinity).sort()).toEqual([...CATEGORIES].sort());
    expect(affinity).toEqual({ Horror: 0.75, Drama: 0.25, Action: 0, Comedy: 0 });
  });

  it("adds the session's live affinity to the trained part", async () => {
    const posted = await postJson("/v1/events", { events: [{ event_id: "aff-1", user_id: USER, item_id: itemId(1, 5), type: "click" }] });
    expect(posted.status).toBe(200);
    const affinity = await affinityByCategory("req-affinity-after-click");
    // Evidence Horror 3, Drama 1, Comedy ≈ 1 (a click, decayed by seconds): 3/5, 1/5, 1/5.
    expect(affinity.Horror).toBeCloseTo(0.6, 4);
    expect(affinity.Drama).toBeCloseTo(0.2, 4);
    expect(affinity.Comedy).toBeCloseTo(0.2, 4);
    expect(affinity.Action).toBe(0);
  });
});

/** The named columns of every candidate the ranker saw, by item id, for one request of `userId`. */
async function columnsByItem(userId: string, requestId: string, names: readonly FeatureName[]): Promise<Map<string, number[]>> {
  const { items, rows } = await rankedRows(userId, requestId, 40);
  const columns = names.map((name) => FEATURE_SPEC.names.indexOf(name));
  return new Map(items.map((item, i) => [item.item_id, columns.map((column) => rows[i]![column]!)]));
}

describe("sequence features online (spec v5)", () => {
  const SEQUENCE_USER = "returning-drama";
  const names = ["recent_similarity_max", "category_recency_7d", "item_log_recent_popularity"] as const;

  beforeAll(async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const record: UserRecord = {
      vector: [0.2, 0.2, 0.2, 0.2],
      history: [itemId(2, 0), itemId(2, 1)],
      activity: 2,
      modelVersion: "fixture-v1",
      categoryAffinity: trainedCategoryAffinity(["Drama", "Drama"]),
      categoryLastSeen: { Drama: nowSeconds - 7 * 86_400 },
    };
    await env.KV.put(kvKeys.user(SEQUENCE_USER), JSON.stringify(record));
  });

  it("reads the trained recent items and category times from the user record", async () => {
    const columns = await columnsByItem(SEQUENCE_USER, "req-sequence-returning", names);
    // Drama items sit next to the history's Drama items; the others are far from them.
    expect(columns.get(itemId(2, 5))![0]).toBeGreaterThan(0.99);
    expect(columns.get(itemId(1, 5))![0]).toBeLessThan(0.2);
    expect(columns.get(itemId(2, 5))![1]).toBeCloseTo(Math.exp(-1), 2);
    expect(columns.get(itemId(1, 5))![1]).toBe(0);
    // The exported recent popularity comes back with the ANN match's indexed metadata: i % 3.
    expect(columns.get(itemId(1, 5))![2]).toBeCloseTo(Math.log1p(2), 12);
    expect(columns.get(itemId(1, 3))![2]).toBe(0);
  });

  it("puts the session's recent positive item first: a click makes its neighbours similar and its category recent", async () => {
    const posted = await postJson("/v1/events", {
      events: [{ event_id: "seq-1", user_id: SEQUENCE_USER, item_id: itemId(0, 5), type: "click" }],
    });
    expect(posted.status).toBe(200);
    const columns = await columnsByItem(SEQUENCE_USER, "req-sequence-after-click", names);
    expect(columns.get(itemId(0, 6))![0]).toBeGreaterThan(0.99);
    expect(columns.get(itemId(0, 6))![1]).toBeGreaterThan(0.999);
    // Drama keeps its trained values.
    expect(columns.get(itemId(2, 5))![0]).toBeGreaterThan(0.99);
    expect(columns.get(itemId(2, 5))![1]).toBeCloseTo(Math.exp(-1), 2);
    expect(columns.get(itemId(3, 5))![1]).toBe(0);
  });
});
