/**
 * Position bias: the demo generator's examination curve is what it says, propensities estimated
 * from randomised lists recover a known curve, inverse propensity weights change training only when
 * asked, and the long-tail metric on a hand-computed example.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../../shared/math/random";
import { interactionEventSchema } from "../../../shared/events/interaction-event";
import { longTailMetrics } from "../../../shared/metrics/long-tail-metrics";
import { examinationCurve, examinationProbability } from "../../../pipeline/bias/examination-curve";
import { isExplorationRequest } from "../../../pipeline/bias/exploration-request";
import { eventInversePropensity, pairInversePropensity, withInversePropensity } from "../../../pipeline/bias/inverse-propensity";
import {
  estimatePositionPropensity,
  inversePropensityWeight,
  PropensityEstimationError,
  propensityAt,
} from "../../../pipeline/bias/position-propensity";
import type { Dataset } from "../../../pipeline/data/dataset";
import { defaultEventWeights } from "../../../pipeline/data/dataset-event-weights";
import { EventLogBuilder, type EventLog, weightedInteractions } from "../../../pipeline/data/event-log";
import { IdIndex } from "../../../pipeline/data/id-index";
import { LoadIssueLog } from "../../../pipeline/data/load-issue-log";
import { generateDemoData } from "../../../pipeline/generate/demo-generator";

describe("examination curve", () => {
  it("is (1/(1+p))^η", () => {
    expect(examinationProbability(0, 1)).toBe(1);
    expect(examinationProbability(3, 1)).toBe(0.25);
    expect(examinationProbability(1, 2)).toBe(0.25);
    expect(examinationCurve(0, 3)).toEqual([1, 1, 1]);
  });
});

describe("generateDemoData with position bias", () => {
  const bias = { eta: 1, exploreShare: 1, listLength: 8 };
  const data = generateDemoData({ items: 300, users: 600, days: 30, positionBias: bias });

  it("leaves the default demo without randomised lists or ground truth", () => {
    const plain = generateDemoData({ items: 300, users: 60, days: 30 });
    expect(plain.groundTruth).toBeUndefined();
    expect(plain.descriptor.generator).not.toHaveProperty("positionBias");
    expect(plain.events.some((e) => isExplorationRequest(e.request_id))).toBe(false);
  });

  it("logs valid events and a ground truth with the curve it used", () => {
    for (const event of data.events.slice(0, 2000)) expect(interactionEventSchema.safeParse(event).success).toBe(true);
    expect(data.groundTruth!.examination.curve).toEqual(examinationCurve(1, 8));
    expect(data.groundTruth!.users).toHaveLength(600);
    expect(data.groundTruth!.items).toHaveLength(300);
  });

  it("engagement by position in randomised lists follows θₚ (within 0.05, seeded)", () => {
    const impressions = new Array<number>(bias.listLength).fill(0);
    const views = new Array<number>(bias.listLength).fill(0);
    for (const event of data.events) {
      expect(isExplorationRequest(event.request_id)).toBe(true);
      if (event.type === "impression") impressions[event.position!]!++;
      if (event.type === "view") views[event.position!]!++;
    }
    const rate = views.map((v, p) => v / impressions[p]!);
    for (let p = 1; p < bias.listLength; p++) {
      expect(Math.abs(rate[p]! / rate[0]! - examinationProbability(p, 1)), `position ${p}`).toBeLessThan(0.05);
    }
  });

  it("marks only a share of the lists as randomised, and orders the others by the logging policy", () => {
    const mixed = generateDemoData({ items: 300, users: 200, days: 30, positionBias: { eta: 1, exploreShare: 0.25, listLength: 8 } });
    const requests = new Map<string, boolean>();
    for (const event of mixed.events) requests.set(event.request_id!, isExplorationRequest(event.request_id));
    const share = [...requests.values()].filter(Boolean).length / requests.size;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.32);
  });
});

/** A log of randomised lists: item relevance uniform in [0.2, 0.8], clicks with probability θₚ × relevance. */
function syntheticLog(theta: readonly number[], lists: number, explored: boolean, seed = 23): EventLog {
  const rng = createRng(seed);
  const log = new EventLogBuilder();
  let ts = 1_700_000_000_000;
  for (let l = 0; l < lists; l++) {
    for (let position = 0; position < theta.length; position++) {
      const item = rng.int(50);
      const relevance = 0.2 + (0.6 * item) / 49;
      log.push(l % 100, item, "impression", ts++, undefined, { position, explored });
      if (rng.next() < theta[position]! * relevance) log.push(l % 100, item, "click", ts++, undefined, { position, explored });
    }
  }
  return log.finish();
}

describe("estimatePositionPropensity", () => {
  it("recovers a known curve from randomised lists", () => {
    const theta = examinationCurve(0.7, 6);
    const estimate = estimatePositionPropensity(syntheticLog(theta, 20_000, true), { clickTypes: ["click"] });
    expect(estimate.examination).toHaveLength(6);
    expect(estimate.examination[0]).toBe(1);
    for (let p = 1; p < 6; p++) expect(Math.abs(estimate.examination[p]! - theta[p]!), `position ${p}`).toBeLessThan(0.03);
    expect(estimate.eta).toBeCloseTo(0.7, 1);
  });

  it("uses its own counts where there are enough and the fitted power law elsewhere (hand-computed)", () => {
    const log = new EventLogBuilder();
    const add = (position: number, impressions: number, clicks: number) => {
      for (let i = 0; i < impressions; i++) log.push(0, 0, "impression", 0, undefined, { position, explored: true });
      for (let i = 0; i < clicks; i++) log.push(0, 0, "click", 0, undefined, { position, explored: true });
    };
    add(0, 200, 100);
    add(1, 200, 25);
    add(2, 10, 5);
    const estimate = estimatePositionPropensity(log.finish(), { clickTypes: ["click"], minImpressions: 200, maxWeight: 5 });
    expect(estimate.raw).toEqual([1, 0.25, 1]);
    expect(estimate.observedPositions).toEqual([0, 1]);
    expect(estimate.eta).toBeCloseTo(2, 12);
    expect(estimate.examination[2]).toBeCloseTo(1 / 9, 12);
    expect(propensityAt(estimate, 3)).toBeCloseTo(1 / 16, 12);
    expect(inversePropensityWeight(estimate, 1)).toBeCloseTo(4, 12);
    expect(inversePropensityWeight(estimate, 2)).toBe(5);
    expect(inversePropensityWeight(estimate, -1)).toBe(1);
  });

  it("refuses a log without randomised lists", () => {
    expect(() => estimatePositionPropensity(syntheticLog([1, 0.5], 2000, false))).toThrow(PropensityEstimationError);
  });
});

describe("inverse propensity weights", () => {
  // Randomised lists for the estimate (users 0–99) plus two hand-placed events.
  const builder = new EventLogBuilder();
  const base = syntheticLog([1, 0.25], 4000, true);
  for (let k = 0; k < base.length; k++) {
    builder.push(base.users[k]!, base.items[k]!, base.types[k] === 0 ? "impression" : "click", base.timestamps[k]!, undefined, {
      position: base.positions[k]!,
      explored: true,
    });
  }
  builder.push(100, 60, "view", 1, undefined, { position: 1 });
  builder.push(100, 61, "view", 2);
  const log = builder.finish();
  const users = new IdIndex(Array.from({ length: 101 }, (_, u) => `u${u}`));
  const items = new IdIndex(Array.from({ length: 62 }, (_, i) => `i${i}`));
  const plain = weightedInteractions(log, { users: 101, items: 62 });
  const dataset: Dataset = {
    name: "synthetic",
    format: "event-log",
    items: { ids: items, items: [] },
    users: { ids: users, profiles: [] },
    events: log,
    interactions: plain.positives,
    negatives: plain.negatives,
    eventWeights: defaultEventWeights("event-log"),
    issues: new LoadIssueLog(),
  };
  const confidenceOf = (matrix: Dataset["interactions"], user: number, item: number) => {
    for (let e = matrix.indptr[user]!; e < matrix.indptr[user + 1]!; e++) if (matrix.indices[e] === item) return matrix.confidence[e]!;
    return 0;
  };

  it("are not applied unless asked: the loader's aggregation ignores positions", () => {
    expect(confidenceOf(plain.positives, 100, 60)).toBe(1);
    expect(confidenceOf(plain.positives, 100, 61)).toBe(1);
  });

  it("divide a position-logged event's weight by θ̂ₚ and leave events without a position alone", () => {
    const { dataset: weighted, propensity } = withInversePropensity(dataset, { clickTypes: ["click"] });
    const theta1 = propensity.examination[1]!;
    expect(theta1).toBeGreaterThan(0.2);
    expect(theta1).toBeLessThan(0.3);
    expect(confidenceOf(weighted.interactions, 100, 60)).toBeCloseTo(1 / theta1, 5);
    expect(confidenceOf(weighted.interactions, 100, 61)).toBe(1);
    expect(nonZero(weighted.interactions)).toBe(nonZero(dataset.interactions));
    const factors = eventInversePropensity(log, propensity);
    expect(factors[log.length - 1]).toBe(1);
    const weightOf = pairInversePropensity(log, propensity);
    expect(weightOf(100, 60)).toBeCloseTo(1 / theta1, 5);
    expect(weightOf(100, 61)).toBe(1);
    expect(weightOf(5, 999)).toBe(1);
  });
});

function nonZero(matrix: Dataset["interactions"]): number {
  return matrix.indices.length;
}

describe("longTailMetrics", () => {
  it("counts slots outside the top 20 % of items with training users (hand-computed)", () => {
    // Items with training users: 0–4 (item 5 has none) → head = ceil(0.2 × 5) = 1 item: {0}; tail {1, 2, 3, 4}.
    const itemUsers = [9, 5, 3, 2, 1, 0];
    const lists = [
      [0, 1],
      [0, 4],
      [5, 2],
    ];
    const metrics = longTailMetrics(lists, itemUsers);
    expect(metrics.headSize).toBe(1);
    expect(metrics.share).toBeCloseTo(4 / 6, 12);
    expect(metrics.coverage).toBeCloseTo(3 / 4, 12);
    expect(longTailMetrics([[0], [0]], itemUsers)).toEqual({ share: 0, coverage: 0, headSize: 1 });
    expect(longTailMetrics(lists, itemUsers, { headShare: 0.5 }).share).toBeCloseTo(2 / 6, 12);
  });
});
