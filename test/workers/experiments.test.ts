/**
 * Live A/B counters in workerd: served responses and attributed events land on the user's arm,
 * shards are summed, and the report gives rates with intervals, guardrails, catalogue coverage
 * (merged HyperLogLog sketches) and category diversity.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { assignArms } from "../../shared/experiments/assign-arms";
import { parseServingConfig } from "../../shared/serving/serving-config";
import { recordAttributedEvents, recordServedResponse } from "../../workers/experiments/experiment-counters";
import { experimentReport } from "../../workers/experiments/experiment-report";
import { seedFixture } from "./fixture";
import { adminHeaders, call, callAnonymous, json, postJson } from "./helpers";

const config = parseServingConfig({
  experiments: [
    {
      id: "exp-live",
      traffic: 1,
      arms: [
        { name: "control", weight: 1 },
        { name: "treatment", weight: 1 },
      ],
    },
  ],
});
const experiment = config.experiments[0]!;
const users = Array.from({ length: 40 }, (_, i) => `ab-user-${i}`);
const armOf = (user: string) => assignArms(config, "home", user)["exp-live"]!;
/**
 * The list served to a user: 10 items. Control user k gets `ctl-(3k + j) mod 25` with categories
 * A A B C and six unknown (diversity 5/6, 3 categories). Treatment user k gets `trt-(k + j) mod 15`
 * with, by k mod 4: ten X (diversity 0, 1 category); X Y and eight unknown (diversity 1, 2
 * categories); one X and nine unknown (no pairs: no diversity, 1 category); no categories at all
 * (counted in neither mean).
 */
function servedList(arm: string, k: number): { itemIds: string[]; categories: (string | undefined)[] } {
  const slots = Array.from({ length: 10 }, (_, j) => j);
  if (arm === "control") {
    return { itemIds: slots.map((j) => `ctl-${(3 * k + j) % 25}`), categories: slots.map((j) => ["A", "A", "B", "C"][j]) };
  }
  const pattern = [Array(10).fill("X"), ["X", "Y"], ["X"], []][k % 4]!;
  return { itemIds: slots.map((j) => `trt-${(k + j) % 15}`), categories: slots.map((j) => pattern[j]) };
}
const event = (user: string, type: "click" | "like" | "impression", requestId?: string) => ({
  event_id: `${user}-${type}-${requestId ?? "none"}`,
  user_id: user,
  item_id: "i1",
  type,
  ts: Date.UTC(2026, 0, 1),
  ...(requestId ? { request_id: requestId } : {}),
});

describe("experiment counters", () => {
  it("counts requests, impressions, attributed clicks and conversions per arm", async () => {
    await seedFixture(); // 40 items in the vector index: the catalogue for share_of_catalogue
    const treated = users.filter((user) => armOf(user) === "treatment");
    const controls = users.filter((user) => armOf(user) === "control");
    const lists = new Map(
      users.map((user) => [user, servedList(armOf(user), (armOf(user) === "control" ? controls : treated).indexOf(user))]),
    );
    // One window: the first call's promise is the batch's flush, which sends every user's counters.
    await Promise.all(
      users.map((user) =>
        recordServedResponse(
          env,
          user,
          { "exp-live": armOf(user) },
          { ...lists.get(user)!, latencyMs: armOf(user) === "control" ? 8 : 40 },
        ),
      ),
    );
    expect(treated.length).toBeGreaterThan(5);
    expect(controls.length).toBeGreaterThan(5);
    await recordAttributedEvents(env, config, [
      ...treated.map((user) => event(user, "click", "req-1")),
      ...treated.slice(0, 2).map((user) => event(user, "like", "req-1")),
      event(controls[0]!, "click", "req-2"),
      event(controls[1]!, "click"), // no request_id: not attributed
      event(controls[2]!, "impression", "req-3"), // exposure, not a click
    ]);

    const report = await experimentReport(env, experiment);
    const [control, treatment] = report.arms;
    expect(report.control).toBe("control");
    expect(control!.counters).toEqual({
      requests: controls.length,
      impressions: 10 * controls.length,
      empty_responses: 0,
      clicks: 1,
      conversions: 0,
    });
    expect(treatment!.counters).toEqual({
      requests: treated.length,
      impressions: 10 * treated.length,
      empty_responses: 0,
      clicks: treated.length,
      conversions: 2,
    });
    expect(treatment!.ctr.value).toBeCloseTo(0.1, 10);
    expect(treatment!.ctr.low).toBeLessThan(0.1);
    expect(treatment!.ctr.high).toBeGreaterThan(0.1);
    expect(control!.latency_p99_ms).toBe(10);
    expect(treatment!.latency_p99_ms).toBe(50);
    expect(treatment!.guardrails).toEqual({ latency_p99: "fail", empty_rate: "pass" });

    // Coverage: the true distinct ids per arm (≤ 25, near-exact under linear counting; ±1 allowed).
    const distinct = (group: string[]) => new Set(group.flatMap((user) => lists.get(user)!.itemIds)).size;
    expect(distinct(controls)).toBe(25); // ≥ 6 control users: 3k + j covers 0…24
    expect(distinct(treated)).toBe(15);
    expect(Math.abs(control!.coverage.distinct_items - 25)).toBeLessThanOrEqual(1);
    expect(Math.abs(treatment!.coverage.distinct_items - 15)).toBeLessThanOrEqual(1);
    expect(control!.coverage.share_of_catalogue).toBe(control!.coverage.distinct_items / 40);
    expect(treatment!.coverage.share_of_catalogue).toBe(treatment!.coverage.distinct_items / 40);
    // Diversity: every control list is A A B C (+ unknowns) → 5/6 and 3 categories.
    expect(control!.category_diversity).toBeCloseTo(5 / 6, 12);
    expect(control!.categories_per_list).toBe(3);
    // Treatment: k mod 4 = 0 → (0, 1), 1 → (1, 2), 2 → (no pairs, 1), 3 → uncategorised, left out.
    const byPattern = [0, 1, 2, 3].map((r) => treated.filter((_, k) => k % 4 === r).length);
    expect(byPattern.every((count) => count > 0)).toBe(true);
    expect(treatment!.category_diversity).toBeCloseTo(byPattern[1]! / (byPattern[0]! + byPattern[1]!), 12);
    expect(treatment!.categories_per_list).toBeCloseTo(
      (byPattern[0]! + 2 * byPattern[1]! + byPattern[2]!) / (byPattern[0]! + byPattern[1]! + byPattern[2]!),
      12,
    );
    // The sums behind the means stay out of the counters (toEqual above).
    expect(Object.keys(control!.counters).sort()).toEqual(["clicks", "conversions", "empty_responses", "impressions", "requests"]);

    // A catalogue the report cannot read leaves the share null and the rest of the report intact.
    const blind = await experimentReport({ ...env, VECTOR_INDEX_BACKEND: "missing" } as Env, experiment);
    expect(blind.arms.map((arm) => arm.coverage)).toEqual([
      { distinct_items: control!.coverage.distinct_items, share_of_catalogue: null },
      { distinct_items: treatment!.coverage.distinct_items, share_of_catalogue: null },
    ]);
    expect(blind.arms[1]!.counters).toEqual(treatment!.counters);
  });

  it("reports no coverage or diversity for an arm that served nothing", async () => {
    const quiet = parseServingConfig({ experiments: [{ id: "exp-quiet", traffic: 1, arms: [{ name: "a", weight: 1 }] }] }).experiments[0]!;
    const report = await experimentReport(env, quiet);
    expect(report.arms[0]).toMatchObject({ coverage: { distinct_items: 0 }, category_diversity: null, categories_per_list: null });
  });

  it("reports unknown experiments as 404 and requires the admin token", async () => {
    expect((await call("/v1/admin/experiments/nope", { headers: adminHeaders })).status).toBe(404);
    expect((await callAnonymous("/v1/admin/experiments")).status).toBe(401);
    const listed = await json(await call("/v1/admin/experiments", { headers: adminHeaders }));
    expect(listed.experiments.map((e: { id: string }) => e.id)).toEqual(["route-exp"]);
  });

  it("echoes the arms in responses and attributes events that carry the request_id", { timeout: 60_000 }, async () => {
    const served = await json(await call("/v1/recommendations?user_id=ab-route-user&n=3"));
    expect(served.arms).toEqual({ "route-exp": "only" });
    // The served list is recorded in the background; a click is credited once its exposure is stored.
    await vi.waitFor(
      async () => expect((await env.USER_SESSION.getByName("ab-route-user").inspect()).counts.exposures).toBe(served.items.length),
      {
        timeout: 20_000,
        interval: 50,
      },
    );
    await postJson("/v1/events", {
      event_id: "ab-route-1",
      user_id: "ab-route-user",
      item_id: served.items[0].item_id,
      type: "click",
      request_id: served.request_id,
    });
    await vi.waitFor(
      async () => {
        const report = await json(await call("/v1/admin/experiments/route-exp", { headers: adminHeaders }));
        expect(report.arms[0].counters.requests).toBeGreaterThanOrEqual(1);
        expect(report.arms[0].counters.clicks).toBeGreaterThanOrEqual(1);
        expect(report.arms[0].coverage.distinct_items).toBeGreaterThanOrEqual(served.items.length);
      },
      { timeout: 20_000, interval: 50 },
    );
  });
});
