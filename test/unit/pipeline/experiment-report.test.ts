/**
 * The offline experiment report: reading an R2-layout event log tree (dedupe by event_id, invalid
 * lines skipped, catalogue files ignored), attributing events to arms exactly as assignArms does,
 * the per-arm numbers on a hand-made fixture with known answers, and the user-level statistics:
 * the delta-method ratio test pinned by hand and checked by seeded A/A and A/B simulations, and
 * the Holm adjustment across treatment arms.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InteractionEvent } from "../../../shared/events/interaction-event";
import { assignArms } from "../../../shared/experiments/assign-arms";
import { createRng, type Rng } from "../../../shared/math/random";
import { sampleBeta } from "../../../shared/math/sample-beta";
import { parseServingConfig } from "../../../shared/serving/serving-config";
import { buildExperimentReport, type ExperimentReport } from "../../../pipeline/experiments/build-experiment-report";
import { formatExperimentReport } from "../../../pipeline/experiments/format-experiment-report";
import { loadItemCategories } from "../../../pipeline/experiments/load-item-categories";
import { type EventLogTree, readEventLogTree } from "../../../pipeline/experiments/read-event-log-tree";
import { holmAdjust } from "../../../pipeline/experiments/holm-adjust";
import { ratioDeltaEstimate, ratioDeltaInterval, ratioDeltaTest, type UserRatioCounts } from "../../../shared/experiments/ratio-delta-test";
import { tallyExperimentArms } from "../../../pipeline/experiments/tally-experiment-arms";

const config = parseServingConfig({
  experiments: [
    {
      id: "exp",
      traffic: 0.5,
      arms: [
        { name: "control", weight: 1 },
        { name: "treatment", weight: 1 },
      ],
    },
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
  await writeFile(join(hour17, `${T0}-req-a.ndjson`), `${[...controlEvents, ...treatmentEvents].map(line).join("\n")}\n`);
  // The second batch replays a treatment click (at-least-once delivery) and carries one bad line.
  await writeFile(
    join(hour18, `${T0 + 3_600_000}-req-b.ndjson`),
    `${[line(treatmentEvents[4]!), "{ not json", ...outsideEvents.map(line)].join("\n")}\n`,
  );
  await writeFile(join(folder, "items.ndjson"), `${items.map((item) => JSON.stringify(item)).join("\n")}\n`);
  log = await readEventLogTree(folder);
  report = buildExperimentReport(log.events, config, { categories: await loadItemCategories(join(folder, "items.ndjson")) });
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("readEventLogTree", () => {
  it("reads the partitioned NDJSON files in path order, skipping the catalogue file", () => {
    expect(log.files).toEqual([
      `events/dt=2026-01-31/hour=17/${T0}-req-a.ndjson`,
      `events/dt=2026-01-31/hour=18/${T0 + 3_600_000}-req-b.ndjson`,
    ]);
  });

  it("drops replayed event ids and invalid lines", () => {
    expect(log.duplicates).toBe(1);
    expect(log.issues.count).toBe(1);
    expect(log.events.map((event) => event.event_id)).toEqual(
      [...controlEvents, ...treatmentEvents, ...outsideEvents].map((event) => event.event_id),
    );
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
    // One user per arm: the user-level variance is not estimable, so the intervals are [0, 1].
    expect(control!.ctr).toEqual({ value: 0.25, low: 0, high: 1 });
    expect(treatment!.ctr).toEqual({ value: 0.5, low: 0, high: 1 });
    expect(treatment!.conversion_rate).toEqual({ value: 0, low: 0, high: 1 });
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
    // 2/4 vs 1/4 looks like a doubling, but it is one user against one: nothing to test with.
    expect(treatment.ctr_vs_control).toEqual({ lift: 1, z: 0, p_value: 1, p_adjusted: 1, significant: false });
    expect(treatment.guardrails).toEqual({ conversion_rate: "pass", empty_rate: "not_computable", latency_p99: "not_computable" });
    expect(report.experiments[0]!.arms[0]!.guardrails).toBeUndefined();
    expect(report.notes.some((note) => note.startsWith("empty-list rate"))).toBe(true);
    expect(report.notes.some((note) => note.startsWith("the unit of analysis is the user"))).toBe(true);
  });

  it("tests users' rates with the delta method, Holm-adjusts across arms and guards on the adjusted decision", () => {
    const multiArm = parseServingConfig({
      experiments: [{ id: "three", traffic: 1, arms: ["control", "b", "c"].map((name) => ({ name, weight: 1 })) }],
    });
    // 30 users per arm, 10 impressions each. Conversions per user: control cycles 2, 3, 4; b is
    // control with 15 users one lower (raw p ≈ 0.032, below α); c equals control (p = 1).
    // Clicks: control and b cycle 1, 2, 3; c cycles 3, 4, 5 (clearly higher).
    const counts: Record<string, { clicks: number; conversions: number }[]> = {
      control: Array.from({ length: 30 }, (_, i) => ({ clicks: 1 + (i % 3), conversions: 2 + (i % 3) })),
      b: Array.from({ length: 30 }, (_, i) => ({ clicks: 1 + (i % 3), conversions: 2 + (i % 3) - (i < 15 ? 1 : 0) })),
      c: Array.from({ length: 30 }, (_, i) => ({ clicks: 3 + (i % 3), conversions: 2 + (i % 3) })),
    };
    const events: InteractionEvent[] = [];
    for (const [arm, users] of Object.entries(counts)) {
      const ids = usersInArm(multiArm, "three", arm, users.length);
      for (const [index, user] of users.entries()) {
        const id = ids[index]!;
        const request = { request_id: `req-${id}` };
        for (let k = 0; k < 10; k++) events.push(ev(id, `i${k}`, "impression", request));
        for (let k = 0; k < user.clicks; k++) events.push(ev(id, `i${k}`, "click", request));
        for (let k = 0; k < user.conversions; k++) events.push(ev(id, `i${k}`, "like", request));
      }
    }
    const [control, b, c] = buildExperimentReport(events, multiArm).experiments[0]!.arms;
    const estimate = (arm: string, metric: "clicks" | "conversions") =>
      ratioDeltaEstimate(counts[arm]!.map((user) => ({ numerator: user[metric], denominator: 10 })));

    expect(control!.ctr).toEqual(ratioDeltaInterval(estimate("control", "clicks")));
    expect(b!.conversion_rate).toEqual(ratioDeltaInterval(estimate("b", "conversions")));
    const conversionTests = ["b", "c"].map((arm) => ratioDeltaTest(estimate(arm, "conversions"), estimate("control", "conversions")));
    expect(b!.conversion_vs_control!.p_value).toBeCloseTo(conversionTests[0]!.pValue, 12);
    expect(b!.conversion_vs_control!.p_value).toBeLessThan(0.05);
    expect(b!.conversion_vs_control!.p_adjusted).toBeCloseTo(holmAdjust(conversionTests.map((test) => test.pValue))[0]!, 12);
    expect(b!.conversion_vs_control!.p_adjusted).toBeCloseTo(2 * conversionTests[0]!.pValue, 12);
    expect(b!.conversion_vs_control!.significant).toBe(false);
    // Lower conversion with a raw p below α, but not after the correction for two arms: pass.
    expect(b!.guardrails!.conversion_rate).toBe("pass");
    expect(c!.conversion_vs_control).toMatchObject({ lift: 0, z: 0, p_value: 1, p_adjusted: 1, significant: false });
    expect(c!.ctr_vs_control!.lift).toBeCloseTo(1, 12);
    expect(c!.ctr_vs_control!.significant).toBe(true);
    expect(b!.ctr_vs_control).toMatchObject({ lift: 0, p_value: 1, p_adjusted: 1, significant: false });
  });

  it("skips category diversity with a note when categories are unknown", () => {
    const plain = buildExperimentReport(log.events, config);
    expect(plain.experiments[0]!.arms[0]!.category_diversity).toBeNull();
    expect(plain.notes.some((note) => note.startsWith("category diversity skipped"))).toBe(true);
  });

  it("prints one row per arm", () => {
    const lines = formatExperimentReport(report);
    expect(lines.filter((text) => /^(control|treatment|a)\s/.test(text))).toHaveLength(3);
    expect(lines.find((text) => text.startsWith("treatment"))).toContain("1.0000");
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
      for (const [arm, users] of tally.arms) expect([...users.users.keys()].sort()).toEqual((expected.get(arm) ?? []).sort());
      expect(tally.unattributed.impressions).toBe(outside);
    }
    // Roughly half the users are in "exp" (traffic 0.5), split between its two arms.
    const exp = tallies.experiments[0]!;
    expect(exp.arms.get("control")!.users.size).toBeGreaterThan(50);
    expect(exp.arms.get("treatment")!.users.size).toBeGreaterThan(50);
  });

  it("keeps each user's counts", () => {
    const tallies = tallyExperimentArms(log.events, config);
    expect(tallies.experiments[0]!.arms.get("control")!.users).toEqual(new Map([[C, { impressions: 4, clicks: 1, conversions: 1 }]]));
    expect(tallies.experiments[0]!.arms.get("treatment")!.users).toEqual(new Map([[T, { impressions: 4, clicks: 2, conversions: 0 }]]));
  });
});

/** The first `count` of user-0, user-1, … that `experiment` puts in `arm` on home. */
function usersInArm(servingConfig: typeof config, experiment: string, arm: string, count: number): string[] {
  const users: string[] = [];
  for (let i = 0; users.length < count; i++)
    if (assignArms(servingConfig, "home", `user-${i}`)[experiment] === arm) users.push(`user-${i}`);
  return users;
}

describe("ratioDeltaEstimate", () => {
  it("matches the delta-method variance computed by hand", () => {
    // x = (1, 0, 2), n = (2, 2, 4): R = 3/8, x̄ = 1, n̄ = 8/3; sample (N − 1) moments s²ₓ = 1,
    // s²ₙ = 4/3, sₓₙ = 1; bracket 1 − 2·(3/8)·1 + (9/64)·(4/3) = 7/16;
    // Var(R) = (7/16) / (3 · 64/9) = 21/1024 = 0.0205078125.
    const estimate = ratioDeltaEstimate([
      { numerator: 1, denominator: 2 },
      { numerator: 0, denominator: 2 },
      { numerator: 2, denominator: 4 },
    ]);
    expect(estimate).toEqual({ ratio: 0.375, variance: 21 / 1024, users: 3, denominator: 8 });
    expect(ratioDeltaInterval(estimate)).toEqual({
      value: 0.375,
      low: 0.375 - 1.96 * Math.sqrt(21 / 1024),
      high: 0.375 + 1.96 * Math.sqrt(21 / 1024),
    });
  });

  it("is the binomial p(1 − p)/N, with N − 1 for N, when every user has one impression", () => {
    // Sample variances divide by N − 1, so the delta method gives p(1 − p)/(N − 1) = binomial · N/(N − 1).
    const users = Array.from({ length: 50 }, (_, i) => ({ numerator: i % 5 === 0 ? 1 : 0, denominator: 1 }));
    const { ratio, variance } = ratioDeltaEstimate(users);
    expect(ratio).toBe(0.2);
    expect(variance).toBeCloseTo(((0.2 * 0.8) / 50) * (50 / 49), 15);
  });

  it("returns clear values instead of NaN for 0 users, 1 user, no impressions and zero variance", () => {
    expect(ratioDeltaEstimate([])).toEqual({ ratio: 0, variance: null, users: 0, denominator: 0 });
    expect(
      ratioDeltaEstimate([
        { numerator: 3, denominator: 0 },
        { numerator: 1, denominator: 0 },
      ]),
    ).toEqual({ ratio: 0, variance: null, users: 2, denominator: 0 });
    const one = ratioDeltaEstimate([{ numerator: 1, denominator: 4 }]);
    expect(one).toEqual({ ratio: 0.25, variance: null, users: 1, denominator: 4 });
    expect(ratioDeltaInterval(ratioDeltaEstimate([]))).toEqual({ value: 0, low: 0, high: 1 });
    expect(ratioDeltaInterval(one)).toEqual({ value: 0.25, low: 0, high: 1 });
    expect(ratioDeltaTest(one, one)).toEqual({ z: 0, pValue: 1 });
    const noClicks = ratioDeltaEstimate([
      { numerator: 0, denominator: 3 },
      { numerator: 0, denominator: 5 },
    ]);
    expect(noClicks.variance).toBe(0);
    expect(ratioDeltaInterval(noClicks)).toEqual({ value: 0, low: 0, high: 0 });
    expect(ratioDeltaTest(noClicks, noClicks)).toEqual({ z: 0, pValue: 1 });
  });

  it("clips the interval to [0, 1]", () => {
    const interval = ratioDeltaInterval({ ratio: 0.95, variance: 0.01, users: 10, denominator: 20 });
    expect(interval).toEqual({ value: 0.95, low: 0.95 - 1.96 * 0.1, high: 1 });
  });
});

describe("ratioDeltaTest", () => {
  it("divides the difference by the unpooled standard error", () => {
    const { z, pValue } = ratioDeltaTest(
      { ratio: 0.12, variance: 0.0003, users: 100, denominator: 1000 },
      { ratio: 0.1, variance: 0.0001, users: 100, denominator: 1000 },
    );
    expect(z).toBeCloseTo(1, 12);
    // P(|Z| ≥ 1) = 0.31731.
    expect(pValue).toBeCloseTo(0.31731, 5);
  });
});

/** Per-user CTRs from Beta(0.5, 9.5) (mean 0.05, intra-user correlation 1/11) times `lift`; 20–60 impressions each. */
function simulateArm(rng: Rng, users: number, lift: number): UserRatioCounts[] {
  return Array.from({ length: users }, () => {
    const ctr = Math.min(1, lift * sampleBeta(0.5, 9.5, rng));
    const impressions = 20 + rng.int(41);
    let clicks = 0;
    for (let k = 0; k < impressions; k++) if (rng.next() < ctr) clicks++;
    return { numerator: clicks, denominator: impressions };
  });
}

/** The old test: pooled two-proportion z over impressions as if they were independent; rejects at α = 0.05. */
function naiveRejects(arm: UserRatioCounts[], control: UserRatioCounts[]): boolean {
  const total = (users: UserRatioCounts[], key: keyof UserRatioCounts) => users.reduce((sum, user) => sum + user[key], 0);
  const [x1, n1, x0, n0] = [total(arm, "numerator"), total(arm, "denominator"), total(control, "numerator"), total(control, "denominator")];
  const pooled = (x1 + x0) / (n1 + n0);
  return Math.abs((x1 / n1 - x0 / n0) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n0))) > 1.959963984540054;
}

/** Share of `experiments` seeded two-arm experiments (200 users per arm) that each test calls significant. */
function rejectionRates(seed: number, experiments: number, lift: number): { delta: number; naive: number } {
  const rng = createRng(seed);
  let delta = 0;
  let naive = 0;
  for (let e = 0; e < experiments; e++) {
    const arm = simulateArm(rng, 200, lift);
    const control = simulateArm(rng, 200, 1);
    if (ratioDeltaTest(ratioDeltaEstimate(arm), ratioDeltaEstimate(control)).pValue < 0.05) delta++;
    if (naiveRejects(arm, control)) naive++;
  }
  return { delta: delta / experiments, naive: naive / experiments };
}

describe("user-clustered clicks (seeded simulation)", () => {
  it("keeps the A/A false-positive rate near α, where the per-impression test does not", () => {
    const { delta, naive } = rejectionRates(42, 300, 1);
    // Seed 42: delta 0.06, naive 0.37.
    expect(delta).toBeGreaterThanOrEqual(0.02);
    expect(delta).toBeLessThanOrEqual(0.09);
    expect(naive).toBeGreaterThan(0.15);
  });

  it("detects a 1.5× CTR in most experiments", () => {
    const { delta } = rejectionRates(7, 100, 1.5);
    // Seed 7: 0.75 of the experiments (the per-impression test: 0.98, at its inflated false-positive rate).
    expect(delta).toBeGreaterThan(0.5);
  });
});

describe("holmAdjust", () => {
  it("multiplies the i-th smallest of m p-values by m − i + 1, keeping the order monotone and capping at 1", () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    const adjusted = holmAdjust([0.04, 0.01, 0.05, 0.03, 0.02]);
    [0.09, 0.05, 0.09, 0.09, 0.08].forEach((expected, i) => {
      expect(adjusted[i]).toBeCloseTo(expected, 12);
    });
    expect(holmAdjust([0.5, 0.6])).toEqual([1, 1]);
    expect(holmAdjust([0.2])).toEqual([0.2]);
    expect(holmAdjust([])).toEqual([]);
  });
});
