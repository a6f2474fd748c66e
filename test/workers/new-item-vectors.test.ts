/**
 * New items between retrains. The fixture's content encoder is shrunk to weight 0.3 per genre, as a
 * ridge regression's outputs are short next to trained vectors: an uncalibrated new Horror item
 * ([0, 0, 0, 0.3]) ranks below every Horror item under dot product. `PUT /v1/items` rescales the
 * encoded vector to the Horror items' median norm (KV `model:item-fold-in`), which puts it in a
 * Horror fan's ANN top 10; and once five trained users interact with a new item, the event queue's
 * consumer re-solves its vector from theirs (item fold-in).
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { kvKeys, type UserRecord } from "../../shared/artifacts/kv-keys";
import { EVENT_MESSAGE_VERSION, type EventQueueMessage } from "../../shared/events/event-queue-message";
import { buildItemFoldInModel } from "../../shared/realtime/item-fold-in-model";
import { consumeEventQueue } from "../../workers/events/consume-event-queue";
import { silentLogger } from "../../workers/logger/logger";
import { serveRecommendation } from "../../workers/recommend/serve-recommendation";
import { vectorIndexFor } from "../../workers/services";
import { CATEGORIES, FIXTURE_MODEL_VERSION, fanOf, fixtureContentEncoder, itemVector, seedFixture, seedRealtimeModels } from "./fixture";
import { adminHeaders, call, json } from "./helpers";

const DRAMA_FANS = Array.from({ length: 5 }, (_, u) => `drama-fan-${u}`);

beforeAll(async () => {
  await seedFixture();
  await seedRealtimeModels();
  const encoder = fixtureContentEncoder();
  await env.KV.put(kvKeys.contentEncoder, JSON.stringify({ ...encoder, weights: encoder.weights.map((w) => (w === 0 ? 0 : 0.3)) }));
  for (const user of DRAMA_FANS) {
    const record: UserRecord = { vector: [0, 0, 1, 0], history: [], activity: 3, modelVersion: FIXTURE_MODEL_VERSION };
    await env.KV.put(kvKeys.user(user), JSON.stringify(record));
  }
  // As the pipeline publishes it: the fixture's item vectors and its trained users (4 fans, 5 Drama fans).
  const model = buildItemFoldInModel({
    modelVersion: FIXTURE_MODEL_VERSION,
    dimensions: 4,
    itemFactors: CATEGORIES.flatMap((_, c) => Array.from({ length: 10 }, (_, i) => itemVector(c, i))).flat(),
    itemCategories: CATEGORIES.flatMap((category) => Array.from({ length: 10 }, () => category)),
    userFactors: [
      ...CATEGORIES.map((_, c) => CATEGORIES.map((_, axis) => (axis === c ? 1 : 0))),
      ...DRAMA_FANS.map(() => [0, 0, 1, 0]),
    ].flat(),
    regularization: 1,
    alpha: 2,
  });
  await env.KV.put(kvKeys.itemFoldIn, JSON.stringify(model));
});

const put = (id: string, body: object) =>
  call(`/v1/items/${id}`, { method: "PUT", headers: { ...adminHeaders, "content-type": "application/json" }, body: JSON.stringify(body) });

/** A Horror fan's list from ANN alone, top 10 neighbours, no exploration. */
async function annTop10(requestId: string): Promise<string[]> {
  const config = { surfaces: { home: { n: 10, sources: [{ source: "ann", top_k: 10 }], rerank: [] } } };
  const served = await serveRecommendation(
    { ...env, SERVING_CONFIG: JSON.stringify(config), EXPLORATION_SHARE: "0" },
    { requestId, userId: fanOf(3), surface: "home", n: 10 },
    () => {},
  );
  return served.items.filter((item) => item.source === "ann").map((item) => item.item_id);
}

const norm = (v: readonly number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe("a new item's vector", () => {
  it("is calibrated to its category's median trained norm, so ANN returns it to the fans of its content", async () => {
    // What the shrunk encoder gives a Horror item, sent as is (`values` are never calibrated).
    expect((await put("short-horror", { title: "Short", genres: ["Horror"], values: [0, 0, 0, 0.3] })).status).toBe(200);
    const added = await put("new-horror", { title: "Long Night", genres: ["Horror"], year: 2026 });
    expect(added.status).toBe(200);
    // Median of the 10 Horror norms, |(0.05, 0.05, 0.05, 1 − 0.02 i)|: the mean of i = 4 and i = 5.
    const horrorMedian = (Math.sqrt(3 * 0.0025 + 0.92 ** 2) + Math.sqrt(3 * 0.0025 + 0.9 ** 2)) / 2;
    const body = await json(added);
    expect(body.vector_source).toBe("content_encoder");
    expect(body.calibrated_norm).toBeCloseTo(horrorMedian, 5);
    const [stored] = await vectorIndexFor(env).getByIds(["new-horror"]);
    expect(stored!.values[3]).toBeCloseTo(horrorMedian, 5);
    expect(stored!.values.slice(0, 3)).toEqual([0, 0, 0]);

    const top = await annTop10("req-new-horror-ann");
    expect(top).toContain("new-horror");
    expect(top).not.toContain("short-horror");
  });

  it("is re-solved from the users who interacted, every 5 interactions", async () => {
    expect((await put("new-fold", { title: "Fold", genres: ["Comedy"], year: 2026 })).status).toBe(200);
    const [before] = await vectorIndexFor(env).getByIds(["new-fold"]);
    expect(before!.values[1]).toBeGreaterThan(0.9);

    const consume = async (users: string[], batch: string) => {
      const receivedAt = Date.now();
      const body: EventQueueMessage = {
        v: EVENT_MESSAGE_VERSION,
        received_at: receivedAt,
        request_id: `req-${batch}`,
        events: users.map((user) => ({ event_id: `${batch}-${user}`, user_id: user, item_id: "new-fold", type: "click", ts: receivedAt })),
        trending: [],
      };
      const messages = createMessageBatch("edge-recs-events", [{ id: batch, timestamp: new Date(), attempts: 1, body }]);
      await consumeEventQueue(messages, env, silentLogger);
      expect((await getQueueResult(messages, createExecutionContext())).explicitAcks).toEqual([batch]);
    };
    await consume(DRAMA_FANS.slice(0, 4), "fold-a");
    const [afterFour] = await vectorIndexFor(env).getByIds(["new-fold"]);
    expect(afterFour!.values).toEqual(before!.values);

    await consume(DRAMA_FANS.slice(4), "fold-b");
    const [after] = await vectorIndexFor(env).getByIds(["new-fold"]);
    // XᵀX = diag(1, 1, 6, 1); five clicks (c = 1 + 2·1 = 3) from users at e₂:
    // y = (XᵀX + 5·2·e₂e₂ᵀ + I)⁻¹ · 5·3·e₂ = 15/17 · e₂.
    expect(after!.values[2]).toBeCloseTo(15 / 17, 5);
    for (const d of [0, 1, 3]) expect(after!.values[d]).toBeCloseTo(0, 6);
    expect(after!.metadata).toMatchObject({ category: "Comedy", title: "Fold" });
    expect(norm(after!.values)).toBeGreaterThan(0.5);
  });
});
