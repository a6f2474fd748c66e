/**
 * The `session_similar` candidate source: neighbours of the session's last positively-interacted
 * items, interleaved by rank and explained by the item that found them; a failing index costs one
 * `session_similar` fallback and the other sources serve. On the fixture catalogue (one axis per
 * category, item i of a category a little further from its axis) the neighbours of Horror 3 are
 * the other Horror items in index order, those of Comedy 5 the other Comedy items.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_EVENT_WEIGHTS } from "../../shared/events/event-weight";
import type { RecentInteraction, SessionSnapshot } from "../../shared/session/session-contract";
import type { VectorIndex } from "../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { recentPositiveItems } from "../../workers/candidates/session-similar";
import { recommend, type RecommendDeps } from "../../workers/recommend/recommend";
import { serveRecommendation } from "../../workers/recommend/serve-recommendation";
import { recommendDepsFor } from "../../workers/services";
import { itemId, seedFixture, seedRealtimeModels } from "./fixture";
import { postJson } from "./helpers";

beforeAll(async () => {
  await seedFixture();
  await seedRealtimeModels();
});

const HORROR_3 = itemId(3, 3);
const COMEDY_5 = itemId(1, 5);
const DRAMA_2 = itemId(2, 2);

/** Newest first: a hide (no anchor), then two clicks. */
const recent: RecentInteraction[] = [
  { itemId: DRAMA_2, type: "hide", ts: 3, value: null },
  { itemId: HORROR_3, type: "click", ts: 2, value: null },
  { itemId: COMEDY_5, type: "click", ts: 1, value: null },
];
const session: SessionSnapshot = { recent, seen: [DRAMA_2, HORROR_3, COMEDY_5], hidden: [DRAMA_2], interactionCount: 3 };

const request = (userId: string, n: number) => ({ requestId: `req-ss-${userId}`, userId, n, surface: "home" as const, now: new Date() });
// Retrieval order only and no exploration: the list is the merged sources, in order.
const deps = (extra: Partial<RecommendDeps> = {}): RecommendDeps => ({
  ...recommendDepsFor(env),
  rankers: [],
  exploration: { share: 0 },
  readSession: async () => session,
  ...extra,
});

const failing = async (): Promise<never> => {
  throw new VectorIndexError("unavailable", "index down (injected)");
};

describe("session_similar source", () => {
  it("interleaves the neighbours of the last positive items, each explained by its anchor", async () => {
    const body = await recommend(request("ss-new", 6), deps({ sources: [{ source: "session_similar", top_k: 30, items: 2 }] }));
    expect(body.items.map((item) => item.item_id)).toEqual([
      itemId(3, 0),
      itemId(1, 0),
      itemId(3, 1),
      itemId(1, 1),
      itemId(3, 2),
      itemId(1, 2),
    ]);
    expect(new Set(body.items.map((item) => item.source))).toEqual(new Set(["session_similar"]));
    expect(body.items[0]!.reason).toEqual({ code: "because_you_watched", text: "Because you watched Horror 3", item_id: HORROR_3 });
    expect(body.items[1]!.reason).toEqual({ code: "because_you_watched", text: "Because you watched Comedy 5", item_id: COMEDY_5 });
    expect(body.fallbacks).toEqual([]);
  });

  it("queries only the configured number of anchors and caps the source at top_k", async () => {
    const body = await recommend(
      request("ss-one", 6),
      deps({
        sources: [
          { source: "session_similar", top_k: 3, items: 1 },
          { source: "trending", top_k: 50 },
        ],
      }),
    );
    expect(body.items.slice(0, 3).map((item) => [item.item_id, item.source])).toEqual([
      [itemId(3, 0), "session_similar"],
      [itemId(3, 1), "session_similar"],
      [itemId(3, 2), "session_similar"],
    ]);
    expect(body.items.slice(3).every((item) => item.source !== "session_similar")).toBe(true);
  });

  it("gives nothing, without a fallback, when the session has no positive interaction", async () => {
    const quiet: SessionSnapshot = { recent: [recent[0]!], seen: [DRAMA_2], hidden: [DRAMA_2], interactionCount: 1 };
    const body = await recommend(
      request("ss-quiet", 3),
      deps({
        readSession: async () => quiet,
        sources: [
          { source: "session_similar", top_k: 30, items: 3 },
          { source: "trending", top_k: 50 },
        ],
      }),
    );
    expect(body.items.map((item) => item.source)).toEqual(["popular", "popular", "popular"]);
    expect(body.fallbacks).toEqual([]);
  });

  it("reads what is positive with the serving release's event weights and each event's value", () => {
    const rated: RecentInteraction[] = [
      { itemId: DRAMA_2, type: "rating", ts: 3, value: 1 },
      { itemId: HORROR_3, type: "like", ts: 2, value: null },
      { itemId: COMEDY_5, type: "click", ts: 1, value: null },
    ];
    // A 1-star rating is a dislike, not an anchor.
    expect(recentPositiveItems(rated, 3)).toEqual([HORROR_3, COMEDY_5]);
    // A release trained with likes at 0 and clicks negative has one positive left: none.
    const weights = { ...DEFAULT_EVENT_WEIGHTS, types: { ...DEFAULT_EVENT_WEIGHTS.types, like: 0, click: -1 } };
    expect(recentPositiveItems(rated, 3, weights)).toEqual([]);
  });

  it("records one session_similar fallback when the neighbour queries fail, and the other sources serve", async () => {
    const base = recommendDepsFor(env).index;
    const queriesDown: VectorIndex = {
      query: failing,
      upsert: (...args) => base.upsert(...args),
      getByIds: (ids) => base.getByIds(ids),
      deleteByIds: (ids) => base.deleteByIds(ids),
      describe: () => base.describe(),
    };
    const body = await recommend(
      request("ss-down", 3),
      deps({
        index: queriesDown,
        sources: [
          { source: "session_similar", top_k: 30, items: 2 },
          { source: "trending", top_k: 10 },
        ],
      }),
    );
    expect(body.items).toHaveLength(3);
    expect(body.items.every((item) => item.source === "popular")).toBe(true);
    expect(body.fallbacks.filter((fallback) => fallback.stage === "session_similar")).toEqual([
      { stage: "session_similar", reason: "unavailable", used: "without_session_similar", detail: "index down (injected)" },
    ]);
  });

  it("records the same rung when the anchors' vectors cannot be read", async () => {
    const down: VectorIndex = { query: failing, upsert: failing, getByIds: failing, deleteByIds: failing, describe: failing };
    const body = await recommend(
      request("ss-lookup-down", 3),
      deps({
        index: down,
        sources: [
          { source: "session_similar", top_k: 30, items: 2 },
          { source: "trending", top_k: 10 },
        ],
      }),
    );
    expect(body.items).toHaveLength(3);
    expect(body.fallbacks.filter((fallback) => fallback.stage === "session_similar")).toEqual([
      { stage: "session_similar", reason: "unavailable", used: "without_session_similar", detail: "index down (injected)" },
    ]);
  });

  it("follows the user's events through the session object when configured in SERVING_CONFIG", async () => {
    const user = "ss-events";
    const posted = await postJson("/v1/events", { events: [{ event_id: "ss-e1", user_id: user, item_id: itemId(0, 4), type: "like" }] });
    expect(posted.status).toBe(200);
    const config = { surfaces: { home: { n: 3, sources: [{ source: "session_similar", top_k: 10, items: 3 }], rerank: [] } } };
    const served = await serveRecommendation(
      { ...env, SERVING_CONFIG: JSON.stringify(config), EXPLORATION_SHARE: "0" },
      { requestId: "req-ss-events", userId: user, surface: "home", n: 3 },
      () => {},
    );
    expect(served.items.map((item) => [item.item_id, item.source])).toEqual([
      [itemId(0, 0), "session_similar"],
      [itemId(0, 1), "session_similar"],
      [itemId(0, 2), "session_similar"],
    ]);
    expect(served.items[0]!.reason).toMatchObject({ code: "because_you_watched", item_id: itemId(0, 4) });
  });
});
