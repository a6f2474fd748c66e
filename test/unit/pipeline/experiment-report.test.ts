/**
 * The offline experiment report: reading an R2-layout event log tree (dedupe by event_id, invalid
 * lines skipped, catalogue files ignored), attributing events to arms exactly as assignArms does,
 * and the per-arm numbers on a hand-made fixture with known answers.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InteractionEvent } from "../../../shared/events/interaction-event";
import { wilsonInterval } from "../../../shared/experiments/wilson-interval";
import { parseServingConfig } from "../../../workers/config/serving-config";
import { assignArms } from "../../../workers/recommend/serving-plan";
import { buildExperimentReport, type ExperimentReport } from "../../../pipeline/experiments/build-experiment-report";
import { formatExperimentReport } from "../../../pipeline/experiments/format-experiment-report";
import { loadItemCategories } from "../../../pipeline/experiments/load-item-categories";
import { type EventLogTree, readEventLogTree } from "../../../pipeline/experiments/read-event-log-tree";
import { tallyExperimentArms } from "../../../pipeline/experiments/tally-experiment-arms";
import { twoProportionZTest } from "../../../pipeline/experiments/two-proportion-z-test";

const config = parseServingConfig({
  experiments: [
    { id: "exp", traffic: 0.5, arms: [{ name: "control", weight: 1 }, { name: "treatment", weight: 1 }] },
    { id: "email-only", traffic: 1, surfaces: ["email"], arms: [{ name: "a", weight: 1 }] },
  ],
});

/** The first of u0, u1, … whose arm in "exp" is `arm` (null = outside the traffic share). */
function userIn(arm: string | null): string {
  for (let i = 0; ; i++) if ((assignArms(config, "home", `u${i}`).exp ?? null) === arm) return `u${i}`;
}
const C = userIn("control");
const T = userIn("treatment");
const O = userIn(null);

const T0 = Date.UTC(2026, 0, 31, 17);
let seq = 0;
const ev = (user: string, item: string, type: InteractionEvent["type"], extra: Partial<InteractionEvent> = {}): InteractionEvent => ({
  event_id: `e${++seq}`,
  user_id: user,
  item_id: item,
  type,
  ts: T0 + seq * 1000,
  ...extra,
});
const line = (event: InteractionEvent) => JSON.stringify(event);

// Control: one home list of 4 (categories A A B C), a click and a like on it; a click without
// request_id (not attributable) and a skip (never counted).
const controlEvents = [
  ev(C, "i1", "impression", { request_id: "r1", position: 0 }),
  ev(C, "i2", "impression", { request_id: "r1", position: 1 }),
  ev(C, "i3", "impression", { request_id: "r1", position: 2 }),
  ev(C, "i4", "impression", { request_id: "r1", position: 3 }),
  ev(C, "i1", "click", { request_id: "r1", position: 0 }),
  ev(C, "i1", "like", { request_id: "r1", position: 0 }),
  ev(C, "i1", "click"),
  ev(C, "i3", "skip", { request_id: "r1" }),
];
// Treatment: a home list of 3 (A, B, unknown category) with two clicks, and an email list of one item.
const treatmentEvents = [
  ev(T, "i1", "impression", { request_id: "r2", context: { surface: "home" } }),
  ev(T, "i5", "impression", { request_id: "r2" }),
  ev(T, "i6", "impression", { request_id: "r2" }),
  ev(T, "i5", "view", { request_id: "r2" }),
  ev(T, "i6", "click", { request_id: "r2" }),
  ev(T, "i2", "impression", { request_id: "r3", context: { surface: "email" } }),
];
// Outside "exp": two impressions and a click, unattributed there.
const outsideEvents = [
  ev(O, "i7", "impression", { request_id: "r4" }),
  ev(O, "i8", "impression", { request_id: "r4" }),
  ev(O, "i8", "click", { request_id: "r4" }),
];
const items = [
  { item_id: "i1", category: "A" },
  { item_id: "i2", genres: ["A", "B"] },
  { item_id: "i3", category: "B" },
  { item_id: "i4", category: "C" },
  { item_id: "i5", category: "B" },
  { item_id: "i6" },
];

let folder: string;
let log: EventLogTree;
let report: ExperimentReport;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "experiment-report-"));
  const hour17 = join(folder, "events", "dt=2026-01-31", "hour=17");
  const hour18 = join(folder, "events", "dt=2026-01-31", "hour=18");
  await mkdir(hour17, { recursive: true });
  await mkdir(hour18, { recursive: true });
  await writeFile(join(hour17, `${T0}-req-a.ndjson`), [...controlEvents, ...treatmentEvents].map(line).join("\n") + "\n");
  // The second batch replays a treatment click (at-least-once delivery) and carries one bad line.
  await writeFile(join(hour18, `${T0 + 3_600_000}-req-b.ndjson`), [line(treatmentEvents[4]!), "{ not json", ...outsideEvents.map(line)].join("\n") + "\n");
  await writeFile(join(folder, "items.ndjson"), items.map((item) => JSON.stringify(item)).join("\n") + "\n");
  log = await readEventLogTree(folder);
  report = buildExperimentReport(log.events, config, { categories: await loadItemCategories(join(folder, "items.ndjson")) });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("readEventLogTree", () => {
  it("reads the partitioned NDJSON files in path order, skipping the catalogue file", () => {
    expect(log.files).toEqual([`events/dt=2026-01-31/hour=17/${T0}-req-a.ndjson`, `events/dt=2026-01-31/hour=18/${T0 + 3_600_000}-req-b.ndjson`]);
  });

  it("drops replayed event ids and invalid lines", () => {
    expect(log.duplicates).toBe(1);
    expect(log.issues.count).toBe(1);
    expect(log.events.map((event) => event.event_id)).toEqual([...controlEvents, ...treatmentEvents, ...outsideEvents].map((event) => event.event_id));
  });

  it("reads a single events.ndjson file too", async () => {
    const file = join(folder, "events.ndjson");
    await writeFile(file, [...controlEvents, controlEvents[0]!].map(line).join("\n"));
    const single = await readEventLogTree(file);
    expect(single.events).toHaveLength(controlEvents.length);
    expect(single.duplicates).toBe(1);
  });
});

describe("buildExperimentReport", () => {
  it("counts impressions, clicks and conversions per arm from events with a request_id", () => {
    const [control, treatment] = report.experiments[0]!.arms;
    expect(control).toMatchObject({ arm: "control", users: 1, impressions: 4, clicks: 1, conversions: 1, lists: 1 });
    expect(treatment).toMatchObject({ arm: "treatment", users: 1, impressions: 4, clicks: 2, conversions: 0, lists: 2 });
    expect(control!.ctr).toEqual(wilsonInterval(1, 4));
    expect(treatment!.conversion_rate).toEqual(wilsonInterval(0, 4));
    expect(report.events_without_request_id).toBe(1);
    expect(report.events).toBe(17);
  });

  it("reports events of users outside an experiment as unattributed", () => {
    expect(report.experiments[0]!.unattributed).toEqual({ impressions: 2, clicks: 1, conversions: 0 });
    const email = report.experiments[1]!;
    expect(email.arms.map((arm) => [arm.arm, arm.impressions, arm.clicks])).toEqual([["a", 1, 0]]);
    expect(email.unattributed).toEqual({ impressions: 9, clicks: 4, conversions: 1 });
  });

  it("computes coverage over the items seen in the log and category diversity per response", () => {
    const [control, treatment] = report.experiments[0]!.arms;
    expect(report.catalogue_items).toBe(8);
    expect(control!.coverage).toBe(0.5);
    expect(treatment!.coverage).toBe(0.5);
    // r1: A A B C → 5 of 6 pairs differ; 3 categories.
    expect(control!.category_diversity).toBeCloseTo(5 / 6, 12);
    expect(control!.categories_per_list).toBe(3);
    // r2: A B (i6 has no category) → 1; r3: one item, no pairs; categories (2 + 1) / 2.
    expect(treatment!.category_diversity).toBe(1);
    expect(treatment!.categories_per_list).toBe(1.5);
  });

  it("tests each arm's CTR against the control and checks the computable guardrails", () => {
    const treatment = report.experiments[0]!.arms[1]!;
    // 2/4 vs 1/4: pooled 3/8, z = 0.25 / √(3/8 · 5/8 · 1/2) = 0.7303, p = 0.4652.
    expect(treatment.ctr_vs_control!.z).toBeCloseTo(0.7303, 4);
    expect(treatment.ctr_vs_control!.p_value).toBeCloseTo(0.4652, 4);
    expect(treatment.ctr_vs_control!.lift).toBe(1);
    expect(treatment.ctr_vs_control!.significant).toBe(false);
    expect(treatment.guardrails).toEqual({ conversion_rate: "pass", empty_rate: "not_computable", latency_p99: "not_computable" });
    expect(report.experiments[0]!.arms[0]!.guardrails).toBeUndefined();
    expect(report.notes.some((note) => note.startsWith("empty-list rate"))).toBe(true);
  });

  it("skips category diversity with a note when categories are unknown", () => {
    const plain = buildExperimentReport(log.events, config);
    expect(plain.experiments[0]!.arms[0]!.category_diversity).toBeNull();
    expect(plain.notes.some((note) => note.startsWith("category diversity skipped"))).toBe(true);
  });

  it("prints one row per arm", () => {
    const lines = formatExperimentReport(report);
    expect(lines.filter((text) => /^(control|treatment|a)\s/.test(text))).toHaveLength(3);
  });
});

describe("tallyExperimentArms", () => {
  it("puts every user in the arm assignArms gives for the event's surface", () => {
    const events = Array.from({ length: 300 }, (_, i) =>
      ev(`user-${i}`, "i1", "impression", { request_id: `q${i}`, ...(i % 3 === 0 ? { context: { surface: "email" as const } } : {}) }),
    );
    const tallies = tallyExperimentArms(events, config);
    for (const [index, tally] of tallies.experiments.entries()) {
      const id = config.experiments[index]!.id;
      const expected = new Map<string, string[]>();
      let outside = 0;
      for (const event of events) {
        const arm = assignArms(config, event.context?.surface ?? "home", event.user_id)[id];
        if (arm === undefined) outside++;
        else expected.set(arm, [...(expected.get(arm) ?? []), event.user_id]);
      }
      for (const [arm, users] of tally.arms) expect([...users.users].sort()).toEqual((expected.get(arm) ?? []).sort());
      expect(tally.unattributed.impressions).toBe(outside);
    }
    // Roughly half the users are in "exp" (traffic 0.5), split between its two arms.
    const exp = tallies.experiments[0]!;
    expect(exp.arms.get("control")!.users.size).toBeGreaterThan(50);
    expect(exp.arms.get("treatment")!.users.size).toBeGreaterThan(50);
  });
});

describe("twoProportionZTest", () => {
  it("matches the textbook value", () => {
    const { z, pValue } = twoProportionZTest({ successes: 20, trials: 100 }, { successes: 10, trials: 100 });
    expect(z).toBeCloseTo(1.9803, 4);
    expect(pValue).toBeCloseTo(0.0477, 4);
  });

  it("returns p = 1 when a side has no trials or the pooled rate is 0", () => {
    expect(twoProportionZTest({ successes: 0, trials: 0 }, { successes: 1, trials: 2 })).toEqual({ z: 0, pValue: 1 });
    expect(twoProportionZTest({ successes: 0, trials: 5 }, { successes: 0, trials: 5 })).toEqual({ z: 0, pValue: 1 });
  });
});
