/**
 * Live A/B counters in workerd: served responses and attributed events land on the user's arm,
 * shards are summed, and the report gives rates with intervals and guardrails.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { parseServingConfig } from "../../workers/config/serving-config";
import { recordAttributedEvents, recordServedResponse } from "../../workers/experiments/experiment-counters";
import { experimentReport } from "../../workers/experiments/experiment-report";
import { assignArms } from "../../workers/recommend/serving-plan";
import { adminHeaders, call, json, postJson } from "./helpers";

const config = parseServingConfig({
  experiments: [{ id: "exp-live", traffic: 1, arms: [{ name: "control", weight: 1 }, { name: "treatment", weight: 1 }] }],
});
const experiment = config.experiments[0]!;
const users = Array.from({ length: 40 }, (_, i) => `ab-user-${i}`);
const armOf = (user: string) => assignArms(config, "home", user)["exp-live"]!;
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
    for (const user of users) {
      await recordServedResponse(env, user, { "exp-live": armOf(user) }, { items: 10, latencyMs: armOf(user) === "control" ? 8 : 40 });
    }
    const treated = users.filter((user) => armOf(user) === "treatment");
    const controls = users.filter((user) => armOf(user) === "control");
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
    expect(control!.counters).toEqual({ requests: controls.length, impressions: 10 * controls.length, empty_responses: 0, clicks: 1, conversions: 0 });
    expect(treatment!.counters).toEqual({ requests: treated.length, impressions: 10 * treated.length, empty_responses: 0, clicks: treated.length, conversions: 2 });
    expect(treatment!.ctr.value).toBeCloseTo(0.1, 10);
    expect(treatment!.ctr.low).toBeLessThan(0.1);
    expect(treatment!.ctr.high).toBeGreaterThan(0.1);
    expect(control!.latency_p99_ms).toBe(10);
    expect(treatment!.latency_p99_ms).toBe(50);
    expect(treatment!.guardrails).toEqual({ latency_p99: "fail", empty_rate: "pass" });
  });

  it("reports unknown experiments as 404 and requires the admin token", async () => {
    expect((await call("/v1/admin/experiments/nope", { headers: adminHeaders })).status).toBe(404);
    expect((await call("/v1/admin/experiments")).status).toBe(401);
    const listed = await json(await call("/v1/admin/experiments", { headers: adminHeaders }));
    expect(listed.experiments.map((e: { id: string }) => e.id)).toEqual(["route-exp"]);
  });

  it("echoes the arms in responses and attributes events that carry the request_id", async () => {
    const served = await json(await call("/v1/recommendations?user_id=ab-route-user&n=3"));
    expect(served.arms).toEqual({ "route-exp": "only" });
    await postJson("/v1/events", { event_id: "ab-route-1", user_id: "ab-route-user", item_id: served.items[0].item_id, type: "click", request_id: served.request_id });
    await vi.waitFor(
      async () => {
        const report = await json(await call("/v1/admin/experiments/route-exp", { headers: adminHeaders }));
        expect(report.arms[0].counters.requests).toBeGreaterThanOrEqual(1);
        expect(report.arms[0].counters.clicks).toBeGreaterThanOrEqual(1);
      },
      { timeout: 5000, interval: 50 },
    );
  });
});
