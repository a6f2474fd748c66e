/**
 * The serving release's event-weight table reaches the session: a release whose manifest records
 * `eventWeights` (here click = 3, like = 6, served as a canary) makes the UserSession weigh the same
 * events differently from a release without one (an older manifest: the default table, click = 1,
 * like = 4). Checked on the category affinity, both where the item's category is known when the
 * event arrives (applied at once) and where it is looked up first (applied by the refresh).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { type ReleasePointer, releaseForUser, releaseKey } from "../../shared/artifacts/release";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights } from "../../shared/events/event-weight";
import { adminHeaders, call, json, postJson } from "./helpers";
import { itemOf, manifest, putReleaseKv, releaseAdmin, vectorLines } from "./release-fixture";

/** The current release: a manifest without `eventWeights`. */
const PLAIN = "als-20261203T000000Z-cccccccc";
/** The canary: trained with clicks at 3 and likes at 6. */
const WEIGHTED = "als-20261204T000000Z-dddddddd";
const TAGS = { [PLAIN]: "p", [WEIGHTED]: "w" } as const;
const WEIGHTS: EventWeights = { ...DEFAULT_EVENT_WEIGHTS, types: { ...DEFAULT_EVENT_WEIGHTS.types, click: 3, like: 6 } };
const SHARE = 0.5;

const { admin, activate, configureIndex, upsertVectors, completeIndex, register } = releaseAdmin(call);

async function upload(id: string): Promise<void> {
  await putReleaseKv(id, TAGS[id as keyof typeof TAGS]);
  expect((await configureIndex(id)).status).toBe(200);
  expect((await upsertVectors(id, vectorLines(TAGS[id as keyof typeof TAGS]))).status).toBe(200);
  expect((await completeIndex(id)).status).toBe(200);
  expect((await register(id)).status).toBe(200);
}

/** The first user of `prefix-<i>` whom the pointer serves from `release`. */
function userServedBy(release: string, prefix: string): string {
  const pointer: ReleasePointer = {
    current: PLAIN,
    previous: null,
    canary: { release: WEIGHTED, share: SHARE },
    vector_slots: {},
    updated_at: "",
  };
  for (let i = 0; i < 100; i++) {
    if (releaseForUser(pointer, `${prefix}-${i}`) === release) return `${prefix}-${i}`;
  }
  throw new Error(`no user of ${prefix} is served by ${release}`);
}

async function post(user: string, eventId: string, item: string, type: "click" | "like"): Promise<void> {
  const response = await postJson("/v1/events", { events: [{ event_id: eventId, user_id: user, item_id: item, type }] });
  expect(response.status).toBe(200);
}

async function affinity(user: string): Promise<Record<string, number>> {
  const response = await call(`/v1/users/${user}/state`, { headers: adminHeaders });
  expect(response.status).toBe(200);
  return (await json(response)).affinity;
}

describe("event weights of the serving release", () => {
  beforeAll(async () => {
    await upload(PLAIN);
    await upload(WEIGHTED);
    await env.KV.put(
      releaseKey(WEIGHTED, kvKeys.manifest),
      JSON.stringify({ ...manifest(WEIGHTED), eventWeights: { source: "weights.json", weights: WEIGHTS } }),
    );
    expect((await activate(PLAIN)).status).toBe(200);
    expect((await admin(`/releases/${WEIGHTED}/canary`, { method: "PUT", body: JSON.stringify({ share: SHARE }) })).status).toBe(200);
  });

  it.each([
    { release: WEIGHTED, prefix: "weights-canary", click: 3, like: 6 },
    { release: PLAIN, prefix: "weights-control", click: 1, like: 4 },
  ])(
    "weighs a $prefix user's events with $release's table (click $click, like $like)",
    async ({ release, prefix, click, like }) => {
      const user = userServedBy(release, prefix);
      const item = itemOf(TAGS[release as keyof typeof TAGS], 0, 3);
      // The item was not served: its category is looked up by the next refresh, which applies the click.
      await post(user, `${user}-click`, item, "click");
      await vi.waitFor(async () => expect((await affinity(user)).Action).toBeCloseTo(click, 3), { timeout: 10_000, interval: 100 });
      // Now the category is known: the like is applied as it arrives.
      await post(user, `${user}-like`, item, "like");
      expect((await affinity(user)).Action).toBeCloseTo(click + like, 3);
    },
    20_000,
  );
});
