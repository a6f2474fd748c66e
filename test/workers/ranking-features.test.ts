/**
 * The user and device columns of the rows the edge ranks: the trained profile in the user's KV
 * record, onboarding answers in the session (which win), and the request's `device` (which wins
 * over the usual device of the profile).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { kvKeys, type UserRecord } from "../../shared/artifacts/kv-keys";
import { FEATURE_NAMES } from "../../shared/features/feature-spec";
import type { Ranker, RankRequest } from "../../workers/ranking/ranker";
import { recommend } from "../../workers/recommend/recommend";
import { recommendDepsFor } from "../../workers/services";
import { fanOf, itemVector, seedFixture } from "./fixture";
import { call } from "./helpers";

const PROFILED = "profiled-user";

/** Publishes a trained record with a profile (45–54, male, usually on a TV) for `userId`. */
async function publishProfiledUser(userId: string): Promise<void> {
  const record: UserRecord = {
    vector: [1, 0, 0, 0],
    history: [],
    activity: 5,
    modelVersion: "fixture-v1",
    demographics: { age_bucket: "45-54", gender: "M", device: "tv" },
  };
  await env.KV.put(kvKeys.user(userId), JSON.stringify(record));
}

beforeAll(async () => {
  await seedFixture();
  await publishProfiledUser(PROFILED);
});

/** A ranker that keeps the rows it was asked to score and ranks in retrieval order. */
function capturingRanker(): Ranker & { rows: number[][] } {
  const captured = { rows: [] as number[][] };
  return Object.assign(captured, {
    name: "light" as const,
    async rank(request: RankRequest) {
      captured.rows = request.rows;
      return { scores: request.rows.map((_, i) => -i) };
    },
  });
}

async function userColumns(userId: string, device?: string): Promise<Record<string, number>> {
  const ranker = capturingRanker();
  await recommend(
    {
      requestId: `req-features-${userId}-${device ?? "none"}`,
      userId,
      n: 3,
      surface: "home",
      now: new Date(),
      ...(device ? { device } : {}),
    },
    { ...recommendDepsFor(env), rankers: [ranker] },
  );
  expect(ranker.rows.length).toBeGreaterThan(0);
  const first = ranker.rows[0]!;
  // Every candidate of one request carries the same user and device columns.
  const userColumnRange = [FEATURE_NAMES.indexOf("user_age_decades"), FEATURE_NAMES.indexOf("device_web") + 1] as const;
  for (const row of ranker.rows) expect(row.slice(...userColumnRange)).toEqual(first.slice(...userColumnRange));
  return Object.fromEntries(
    FEATURE_NAMES.map((name, i) => [name, first[i]!]).filter(([name]) => /^(user_age|user_gender|device_)/.test(String(name))),
  );
}

describe("user and device features at the edge", () => {
  it("reads the trained profile, and its device when the request names none", async () => {
    expect(await userColumns(PROFILED)).toEqual({
      user_age_decades: 5,
      user_age_known: 1,
      user_gender_female: 0,
      user_gender_male: 1,
      device_mobile: 0,
      device_tablet: 0,
      device_tv: 1,
      device_web: 0,
    });
  });

  it("lets the request's device win over the profile's", async () => {
    expect(await userColumns(PROFILED, "Desktop")).toMatchObject({ device_tv: 0, device_web: 1 });
  });

  it("leaves the columns at zero for a user without demographics", async () => {
    const columns = await userColumns(fanOf(1));
    expect(Object.values(columns).every((value) => value === 0)).toBe(true);
  });

  it("prefers the user's onboarding answers to the trained profile", { timeout: 60_000 }, async () => {
    // Its own user: the answers stay in the session, and the cases above read PROFILED's profile alone.
    const onboarded = "profiled-onboarded-user";
    await publishProfiledUser(onboarded);
    expect(await userColumns(onboarded)).toMatchObject({ user_gender_female: 0, user_gender_male: 1, device_tv: 1 });
    const response = await call(`/v1/users/${onboarded}/preferences`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ categories: ["Drama"], demographics: { gender: "female", age_bucket: "18-24" } }),
    });
    expect(response.status).toBe(200);
    await vi.waitFor(
      async () =>
        expect(await userColumns(onboarded)).toMatchObject({
          user_gender_female: 1,
          user_gender_male: 0,
          user_age_decades: 2.15,
          device_tv: 1,
        }),
      { timeout: 20_000, interval: 50 },
    );
  });

  it("gives list candidates the user–item similarity the ranker was trained on", async () => {
    const ranker = capturingRanker();
    const body = await recommend(
      { requestId: "req-features-list-similarity", userId: fanOf(3), n: 6, surface: "home", now: new Date() },
      { ...recommendDepsFor(env), rankers: [ranker], exploration: { share: 0 }, sources: [{ source: "trending", top_k: 6 }] },
    );
    // The trending list (the fixture's popular list) is Horror 0–2, Drama 0–2, Comedy 0–2, Action 0–2;
    // the Horror fan (vector axis 3) has seen Horror 0. Similarity = user · item vector (float32).
    const expected = [
      [3, 1],
      [3, 2],
      [2, 0],
      [2, 1],
      [2, 2],
      [1, 0],
    ].map(([c, i]) => itemVector(c!, i!)[3]!);
    const scores = ranker.rows.map((row) => row[FEATURE_NAMES.indexOf("retrieval_score")]!);
    expect(scores).toHaveLength(expected.length);
    scores.forEach((score, k) => {
      expect(score).toBeCloseTo(expected[k]!, 6);
    });
    expect(body.items.map((item) => item.source)).toEqual(["popular", "popular", "popular", "popular", "popular", "popular"]);
    expect(body.fallbacks).toEqual([]);
  });

  it("accepts device on the route and rejects an oversized one", async () => {
    expect((await call(`/v1/recommendations?user_id=${PROFILED}&device=mobile`)).status).toBe(200);
    const bad = await call(`/v1/recommendations?user_id=${PROFILED}&device=${"x".repeat(33)}`);
    expect(bad.status).toBe(400);
    expect((await bad.json<{ error: { code: string } }>()).error.code).toBe("invalid_request");
  });
});
