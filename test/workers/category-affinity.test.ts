/**
 * `category_affinity` at the edge (feature spec v4): the trained part comes from the user's KV
 * record, written by the export with the function the pipeline's feature builder uses, and the
 * session's live affinity adds to it. A returning user with no new events gets the value the
 * pipeline computed (before v4 the edge read the session alone, so it was 0); a click moves it.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type UserRecord } from "../../shared/artifacts/kv-keys";
import { trainedCategoryAffinity } from "../../shared/features/category-affinity";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
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

/** category_affinity of each candidate category the ranker saw, for one request. */
async function affinityByCategory(requestId: string): Promise<Record<string, number>> {
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
  const body = await recommend({ requestId, userId: USER, n: 30, surface: "home", now: new Date() }, deps);
  const byCategory: Record<string, number> = {};
  // Every candidate reaches the ranker in retrieval order; the response lists the first n of them.
  expect(rows.length).toBeGreaterThanOrEqual(body.items.length);
  const candidates = body.items;
  candidates.forEach((item, i) => {
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
