/**
 * Releases end to end in workerd: two releases uploaded side by side (KV records under
 * `rel/<id>/`, embedded indexes `items@<id>` holding different items), registration refused until a
 * release is uploaded, the pointer flip and the rollback seen by `/healthz` and the recommendations
 * route, no response mixing two releases while the pointer flips under load, a canary serving its
 * share of users, a release in use kept, erasure reaching every live release.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { releaseForUser, releaseKey } from "../../shared/artifacts/release";
import { call, json } from "./helpers";
import { itemOf, putReleaseKv, releaseAdmin, tagsOf, vectorLines } from "./release-fixture";

const A = "als-20261201T000000Z-aaaaaaaa";
const B = "als-20261202T000000Z-bbbbbbbb";

const { admin, activate, configureIndex, upsertVectors, completeIndex, recommend } = releaseAdmin(call);
const register = (id: string) => releaseAdmin(call).register(id, id === A ? 0.1 : 0.2);

/** Uploads release `id` (tag `tag`): its KV records and its embedded index; does not register it. */
async function upload(id: string, tag: string): Promise<void> {
  await putReleaseKv(id, tag, id === A ? 0.1 : 0.2);
  expect((await configureIndex(id)).status).toBe(200);
  expect((await upsertVectors(id, vectorLines(tag))).status).toBe(200);
  expect((await completeIndex(id)).status).toBe(200);
}

describe("releases", () => {
  beforeAll(async () => {
    await upload(A, "a");
  });

  it("refuses to register a release that is not uploaded, and registers one that is", async () => {
    const missing = await register(B);
    expect(missing.status).toBe(409);
    expect((await json(missing)).error.code).toBe("release_not_ready");
    const registered = await register(A);
    expect(registered.status).toBe(200);
    expect((await json(registered)).release).toMatchObject({ id: A, dataset: "release-test", metrics: { "retrieval_ndcg@10": 0.1 } });
  });

  it("serves the activated release: /healthz and every response name it, items come from its index", async () => {
    expect((await activate(A)).status).toBe(200);
    const health = await json(await call("/healthz"));
    expect(health).toMatchObject({ model_version: A, release: { current: A, previous: null, canary: null } });
    const body = await recommend("rel-fan-1");
    expect(body.model_version).toBe(A);
    expect(body.user_vector.source).toBe("trained");
    expect([...tagsOf(body)]).toEqual(["a"]);
    expect(body.items[0].item_id).toBe(itemOf("a", 1, 0));
  });

  it("flips to a new release and rolls back, each response from one release", async () => {
    await upload(B, "b");
    expect((await register(B)).status).toBe(200);
    expect((await json(await activate(B))).pointer).toMatchObject({ current: B, previous: A });
    const afterFlip = await recommend("rel-fan-0");
    expect(afterFlip.model_version).toBe(B);
    expect([...tagsOf(afterFlip)]).toEqual(["b"]);
    expect((await json(await call("/healthz"))).model_version).toBe(B);

    // Rollback: the previous release becomes current again.
    expect((await json(await activate(A))).pointer).toMatchObject({ current: A, previous: B });
    const afterRollback = await recommend("rel-fan-0");
    expect(afterRollback.model_version).toBe(A);
    expect([...tagsOf(afterRollback)]).toEqual(["a"]);
  });

  it("never mixes two releases in one response while the pointer flips under load", async () => {
    const bodies: any[] = [];
    for (let round = 0; round < 6; round++) {
      // Requests in flight while the pointer moves.
      const [flipped, ...answers] = await Promise.all([
        activate(round % 2 === 0 ? B : A),
        ...Array.from({ length: 6 }, (_, i) => recommend(`rel-load-${(round + i) % 5}`)),
      ]);
      expect(flipped.status).toBe(200);
      bodies.push(...answers);
    }
    const seen = new Set<string>();
    for (const body of bodies) {
      const tags = tagsOf(body);
      expect(tags.size).toBe(1);
      expect(body.model_version).toBe(tags.has("a") ? A : B);
      seen.add(body.model_version);
    }
    expect(seen).toEqual(new Set([A, B]));
  });

  it("serves a canary to its share of users, by a stable hash, and stops it", async () => {
    await activate(A);
    const started = await admin(`/releases/${B}/canary`, { method: "PUT", body: JSON.stringify({ share: 0.3 }) });
    expect(started.status).toBe(200);
    const pointer = (await json(started)).pointer;
    const users = Array.from({ length: 40 }, (_, i) => `canary-user-${i}`);
    let canaries = 0;
    for (const user of users) {
      const body = await recommend(user);
      const expected = releaseForUser(pointer, user);
      expect(body.model_version).toBe(expected);
      expect([...tagsOf(body)]).toEqual([expected === A ? "a" : "b"]);
      if (expected === B) canaries++;
    }
    expect(canaries).toBeGreaterThan(0);
    expect(canaries).toBeLessThan(users.length);
    expect((await json(await call("/healthz"))).release.canary).toEqual({ release: B, share: 0.3 });
    // The canary is an A/B experiment of its own: served responses counted per arm (batched ≤ 1 s).
    await vi.waitFor(
      async () => {
        const report = await json(await admin("/releases/canary"));
        expect(report).toMatchObject({ canary: B, current: A, share: 0.3 });
        const requests = Object.fromEntries(report.report.arms.map((arm: any) => [arm.arm, arm.counters.requests]));
        expect(requests).toEqual({ control: users.length - canaries, canary: canaries });
      },
      { timeout: 10_000, interval: 200 },
    );
    const served = await recommend(users.find((user) => releaseForUser(pointer, user) === B)!);
    expect(Object.entries(served.arms).find(([id]) => id.startsWith("canary-"))?.[1]).toBe("canary");
    expect((await admin("/releases/canary", { method: "DELETE" })).status).toBe(200);
    for (const user of users.slice(0, 10)) expect((await recommend(user)).model_version).toBe(A);
  });

  it("keeps a release that is current, previous or canary, and lists them all", async () => {
    const inUse = await admin(`/releases/${A}`, { method: "DELETE" });
    expect(inUse.status).toBe(409);
    expect((await json(inUse)).error.code).toBe("release_in_use");
    const listed = await json(await admin("/releases"));
    expect(listed.pointer.current).toBe(A);
    expect(listed.releases.map((release: any) => release.id).sort()).toEqual([A, B]);
  });

  it("erases a user's trained record in every live release", async () => {
    await activate(B); // current B, previous A
    const erased = await call("/v1/users/rel-fan-1", { method: "DELETE" });
    expect(erased.status).toBe(200);
    expect(await env.KV.get(releaseKey(A, kvKeys.user("rel-fan-1")))).toBeNull();
    expect(await env.KV.get(releaseKey(B, kvKeys.user("rel-fan-1")))).toBeNull();
    expect(await env.KV.get(releaseKey(B, kvKeys.user("rel-fan-0")))).not.toBeNull();
  });

  it("uploads a release's KV records through the admin API, only release-scoped keys, never into a registered release", async () => {
    const C = "als-20261203T000000Z-cccccccc";
    const uploaded = await admin(`/releases/${C}/kv`, {
      method: "POST",
      body: JSON.stringify({ entries: [{ key: kvKeys.popularAll, value: '{"generatedAt":"x","items":[]}' }] }),
    });
    expect(uploaded.status).toBe(200);
    expect(await env.KV.get(releaseKey(C, kvKeys.popularAll))).toBe('{"generatedAt":"x","items":[]}');
    const unscoped = await admin(`/releases/${C}/kv`, {
      method: "POST",
      body: JSON.stringify({ entries: [{ key: "catalog:blocked", value: "{}" }] }),
    });
    expect(unscoped.status).toBe(400);
    const intoRegistered = await admin(`/releases/${A}/kv`, {
      method: "POST",
      body: JSON.stringify({ entries: [{ key: kvKeys.popularAll, value: "{}" }] }),
    });
    expect(intoRegistered.status).toBe(409);
    expect((await json(intoRegistered)).error.code).toBe("release_in_use");
  });

  it("deletes a release no longer in use: unregistered, its index emptied, its KV records purged page by page", async () => {
    // A rollback target must stay: make A current again and B previous, then publish nothing else —
    // so delete B only after moving previous away from it.
    await activate(A); // current A, previous B
    const C = "als-20261204T000000Z-dddddddd";
    await upload(C, "c");
    expect((await register(C)).status).toBe(200);
    await activate(C); // current C, previous A: B is free
    expect((await admin(`/releases/${B}/purge`, { method: "POST" })).status).toBe(409); // still registered
    expect((await admin(`/releases/${B}`, { method: "DELETE" })).status).toBe(200);
    let purged = 0;
    for (;;) {
      const page = await json(await admin(`/releases/${B}/purge`, { method: "POST" }));
      purged += page.deleted;
      if (!page.remaining) break;
    }
    expect(purged).toBeGreaterThan(0);
    expect((await env.KV.list({ prefix: `rel/${B}/` })).keys).toEqual([]);
    const listed = await json(await admin("/releases"));
    expect(listed.releases.map((release: any) => release.id).sort()).toEqual([A, C]);
    expect((await json(await admin(`/index?release=${B}`))).vectorCount).toBe(0);
    expect((await recommend("rel-fan-0")).model_version).toBe(C);
  });
});
