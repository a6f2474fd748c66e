/**
 * The re-rank stage in workerd: the default home rules (MMR, category cap, sponsored cap, fresh
 * boost) shape the list, and every item's reason matches the source that produced it.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { parseServingConfig } from "../../shared/serving/serving-config";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { buildRerankRules } from "../../workers/rerank/rerank-pipeline";
import { recommendDepsFor } from "../../workers/services";
import { CATEGORIES, fanOf, itemId, seedFixture } from "./fixture";
import { postJson } from "./helpers";

beforeAll(seedFixture);

const defaults = parseServingConfig(undefined);
const request = (userId: string, n = 10) => ({
  requestId: `req-rerank-${userId}`,
  userId,
  n,
  surface: "home" as const,
  now: new Date("2026-01-01T00:00:00Z"),
});
const deps = (rules = buildRerankRules(defaults.surfaces.home.rerank)): RecommendDeps => ({
  ...recommendDepsFor(env),
  rankers: [],
  rerankRules: rules,
  exploration: { share: 0 },
});

describe("re-ranking in the funnel", () => {
  it("caps one category at 3 of the top 10 with the default home rules", async () => {
    const body = await recommend(request(fanOf(1)), deps());
    const comedy = body.items.filter((item) => item.category === "Comedy");
    expect(body.items).toHaveLength(10);
    expect(comedy.length).toBe(3);
    expect(body.items[0]!.category).toBe("Comedy");
  });

  it("keeps the pure relevance order without rules", async () => {
    const body = await recommend(request(fanOf(1), 5), deps([]));
    expect(body.items.map((item) => item.item_id)).toEqual([1, 2, 3, 4, 5].map((i) => itemId(1, i)));
  });
});

describe("explanations", () => {
  it("explains ANN items by the interacted item that pulled them in", async () => {
    const body = await recommend(request(fanOf(2), 5), deps([]));
    for (const item of body.items) {
      expect(item.source).toBe("ann");
      expect(item.reason).toEqual({ code: "because_you_watched", text: "Because you watched Drama 0", item_id: itemId(2, 0) });
    }
  });

  it("names the session item once the user clicks something else", async () => {
    const user = fanOf(0);
    await postJson("/v1/events", { event_id: "why-1", user_id: user, item_id: itemId(3, 0), type: "like" });
    const body = await recommend(request(user, 10), deps([]));
    const horror = body.items.filter((item) => item.category === "Horror" && item.source === "ann");
    expect(horror.length).toBeGreaterThan(0);
    for (const item of horror) expect(item.reason.item_id).toBe(itemId(3, 0));
  });

  it("gives every item a reason that matches its source", async () => {
    const lists = await Promise.all(
      [...CATEGORIES.map((_, c) => fanOf(c)), "brand-new-visitor"].map((user) => recommend(request(user), deps())),
    );
    const expected: Record<string, string[]> = {
      ann: ["because_you_watched", "picked_for_you"],
      popular: ["popular"],
      trending: ["trending_in_category", "popular"],
      fresh: ["new_in_category"],
      exploration: ["exploring_category"],
      similar: ["similar_to"],
    };
    for (const body of lists) {
      for (const item of body.items) {
        expect(expected[item.source]).toContain(item.reason.code);
        if (item.reason.category) expect(item.reason.category).toBe(item.category);
        if (item.reason.code === "because_you_watched") expect(item.reason.item_id).toMatch(/^i-/);
      }
    }
  });
});
