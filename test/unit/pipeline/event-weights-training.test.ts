import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ModelManifest } from "../../../shared/artifacts/model-manifest";
import { DEFAULT_EVENT_WEIGHTS, EventWeightsError } from "../../../shared/events/event-weight";
import type { EventType } from "../../../shared/events/interaction-event";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import type { LinearRankerModel } from "../../../shared/ranking/linear-ranker";
import { MOVIELENS_EVENT_WEIGHTS } from "../../../pipeline/data/dataset-event-weights";
import { EventLogBuilder, weightedInteractions } from "../../../pipeline/data/event-log";
import { buildInteractionMatrix, rowIndices, type InteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { loadDataset } from "../../../pipeline/data/load-dataset";
import { readEventWeights } from "../../../pipeline/data/read-event-weights";
import { writeArtifacts } from "../../../pipeline/export/write-artifacts";
import { writeDemoDataset } from "../../../pipeline/generate/write-demo-dataset";
import { alsConfidence, ImplicitAls } from "../../../pipeline/models/implicit-als";
import { fitLinearRanker } from "../../../pipeline/ranking/fit-linear-ranker";
import { buildRankerExamples } from "../../../pipeline/ranking/ranker-examples";
import { withNegatives } from "../../../pipeline/split/interaction-split";
import { HAS_ML100K, ML100K } from "./ml-100k-path";

const T0 = Date.UTC(2024, 0, 1);

/** A log from (user, item, type, minute, value?) rows. */
function log(rows: [number, number, EventType, number, number?][]) {
  const builder = new EventLogBuilder();
  for (const [user, item, type, minute, value] of rows) builder.push(user, item, type, T0 + minute * 60_000, value);
  return builder.finish();
}

const matrix = (shape: { rows: number; cols: number }, entries: [number, number, number, number?][]): InteractionMatrix =>
  buildInteractionMatrix(shape, {
    rows: entries.map((e) => e[0]),
    cols: entries.map((e) => e[1]),
    confidence: entries.map((e) => e[2]),
    timestamps: entries.map((e) => e[3] ?? 0),
  });

describe("weightedInteractions", () => {
  it("sums signed weights per pair: a positive net is an interaction, a negative net a negative, 0 neither", () => {
    const events = log([
      [0, 0, "view", 0, 60_000], // +1 (one minute of dwell; scaling off by default)
      [0, 0, "hide", 1], // −5 → net −4
      [0, 1, "rating", 2, 5], // +3
      [0, 2, "impression", 3], // exposure only
      [0, 3, "rating", 4, 1], // −2
      [1, 0, "click", 5], // +1
      [1, 0, "complete", 6, 1], // +3
      [1, 0, "skip", 7, 0], // −1 → net +3
      [1, 1, "view", 8], // +1
      [1, 1, "skip", 9], // −1 → net 0: neither
    ]);
    const { positives, negatives } = weightedInteractions(events, { users: 2, items: 4 });
    expect(Array.from(rowIndices(positives, 0))).toEqual([1]);
    expect(positives.confidence[0]).toBe(3);
    expect(Array.from(rowIndices(positives, 1))).toEqual([0]);
    expect(positives.confidence[1]).toBe(3);
    expect(positives.counts[1]).toBe(2);
    expect(Array.from(rowIndices(negatives, 0))).toEqual([0, 3]);
    expect(Array.from(negatives.confidence)).toEqual([4, 2]);
    expect(negatives.firstTs[0]).toBe(T0 + 60_000);
    expect(Array.from(rowIndices(negatives, 1))).toEqual([]);
  });

  it("keeps every rating positive under the MovieLens default (the published protocol's relevance)", () => {
    const events = log([
      [0, 0, "rating", 0, 1],
      [0, 1, "rating", 1, 3],
      [0, 2, "rating", 2, 5],
    ]);
    const { positives, negatives } = weightedInteractions(events, { users: 1, items: 3 }, MOVIELENS_EVENT_WEIGHTS);
    expect(Array.from(positives.confidence)).toEqual([0.5, 0.5, 3]);
    expect(negatives.indices.length).toBe(0);
    const product = weightedInteractions(events, { users: 1, items: 3 }, DEFAULT_EVENT_WEIGHTS);
    expect(Array.from(rowIndices(product.negatives, 0))).toEqual([0]);
  });
});

describe("alsConfidence", () => {
  it("builds p = 1, c = 1 + α·r for positives and p = 0, c = 1 + α·r for negatives (hand-checked, α = 2)", () => {
    const shape = { rows: 3, cols: 3 };
    const positives = matrix(shape, [
      [0, 0, 2],
      [0, 2, 1],
      [2, 1, 3],
    ]);
    const negatives = matrix(shape, [
      [0, 1, 5],
      [1, 2, 0.5],
      [2, 1, 4], // also positive: the positive wins
    ]);
    const c = alsConfidence(positives, negatives, 2);
    expect(Array.from(c.indptr)).toEqual([0, 3, 4, 5]);
    expect(Array.from(c.indices)).toEqual([0, 1, 2, 2, 1]);
    expect(Array.from(c.values)).toEqual([5, 11, 3, 2, 7]);
    expect(Array.from(c.preferences)).toEqual([1, 0, 1, 0, 1]);
    const positiveOnly = alsConfidence(positives, undefined, 2);
    expect(Array.from(positiveOnly.values)).toEqual([5, 3, 7]);
    expect(Array.from(positiveOnly.preferences)).toEqual([1, 1, 1]);
  });

  it("refuses negatives of another shape", () => {
    expect(() => alsConfidence(matrix({ rows: 2, cols: 2 }, []), matrix({ rows: 2, cols: 3 }, []), 1)).toThrow(RangeError);
  });
});

/**
 * Two taste blocks of 6 users × 6 items; every user of block A interacted with all of A's items
 * except the user-specific held-back item, user 0 also with items 6 and 7 of block B (so block B
 * is not foreign to them).
 */
function tasteBlocks(): InteractionMatrix {
  const entries: [number, number, number][] = [];
  for (let u = 0; u < 12; u++) {
    const block = u < 6 ? 0 : 6;
    for (let i = block; i < block + 6; i++) if (i !== block + (u % 6)) entries.push([u, i, 1]);
  }
  entries.push([0, 6, 1], [0, 7, 1]);
  return matrix({ rows: 12, cols: 12 }, entries);
}

describe("negatives in ALS training", () => {
  it("ranks an item the user hid lower than without the hide", () => {
    const positives = tasteBlocks();
    const hidden = 8;
    const negatives = matrix({ rows: 12, cols: 12 }, [[0, hidden, 5]]);
    const options = { factors: 4, regularization: 0.1, alpha: 2, iterations: 15, seed: 23 };
    const rankOf = (model: ImplicitAls) => {
      const list = model.recommend(0, 12, rowIndices(positives, 0));
      return list.findIndex((entry) => entry.index === hidden);
    };
    const without = new ImplicitAls(options);
    without.fit(positives);
    const withHide = new ImplicitAls(options);
    withHide.fit(positives, negatives);
    expect(withHide.scoreItems(0)[hidden]!).toBeLessThan(without.scoreItems(0)[hidden]!);
    expect(rankOf(withHide)).toBeGreaterThan(rankOf(without));
    // the other users are left nearly alone
    expect(withHide.scoreItems(6)[hidden]!).toBeCloseTo(without.scoreItems(6)[hidden]!, 1);
  });

  it("leaves the fit unchanged with an empty negatives matrix", () => {
    const positives = tasteBlocks();
    const a = new ImplicitAls({ factors: 4, iterations: 5, seed: 1 });
    a.fit(positives);
    const b = new ImplicitAls({ factors: 4, iterations: 5, seed: 1 });
    b.fit(positives, matrix({ rows: 12, cols: 12 }, []));
    expect(Array.from(b.scoreItems(3))).toEqual(Array.from(a.scoreItems(3)));
  });
});

describe("negatives in splits and ranker labels", () => {
  const shape = { rows: 1, cols: 6 };
  const train = matrix(shape, [[0, 0, 1, 10]]);
  const test = matrix(shape, [[0, 1, 1, 100]]);
  const negatives = matrix(shape, [
    [0, 2, 4, 50],
    [0, 3, 4, 150],
  ]);
  const split = { train, test, testUsers: Int32Array.of(0) };

  it("trains on every negative in a random split, on the earlier ones in a time-ordered one", () => {
    expect(withNegatives(split, negatives, "train").trainNegatives).toBe(negatives);
    const byTime = withNegatives(split, negatives, "by-time");
    expect(Array.from(rowIndices(byTime.trainNegatives!, 0))).toEqual([2]);
    expect(Array.from(rowIndices(byTime.testNegatives!, 0))).toEqual([3]);
  });

  it("labels a candidate the user rejected in the held-out part 0 and always keeps it in the fit", () => {
    const byTime = withNegatives(split, negatives, "by-time");
    const retrieval = {
      recommend: () => [1, 3, 4, 5].map((index, rank) => ({ index, score: 4 - rank })),
    } as unknown as ImplicitAls;
    const catalog = { items: Array.from({ length: 6 }, () => ({ releasedAt: 0, sponsored: false })) };
    const [group] = buildRankerExamples({ retrieval, split: byTime, catalog });
    expect(Array.from(group!.labels)).toEqual([1, 0, 0, 0]);
    expect(Array.from(group!.rejected!)).toEqual([0, 1, 0, 0]);
    const fit = fitLinearRanker([group!], { negativeSampleRate: 0 });
    expect(fit).toMatchObject({ rows: 2, positives: 1, rejected: 1 });
  });
});

describe("the weights a release was trained with", () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "event-weights-"));
    await writeDemoDataset(join(root, "data"), { items: 120, users: 60, days: 20, name: "tiny" });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("reads a weight file and records it (with its source) in the manifest", async () => {
    const file = join(root, "weights.json");
    await writeFile(file, JSON.stringify({ types: { hide: -8 }, dwell: { max_factor: 3 } }));
    const eventWeights = await readEventWeights(file);
    const dataset = await loadDataset(join(root, "data"), { eventWeights });
    expect(dataset.eventWeights.weights.types.hide).toBe(-8);
    const als = new ImplicitAls({ factors: 4, iterations: 2 });
    als.fit(dataset.interactions, dataset.negatives);
    const ranker: LinearRankerModel = {
      kind: "logistic",
      weights: new Array<number>(FEATURE_SPEC.size).fill(0),
      bias: 0,
      featureNames: [...FEATURE_SPEC.names],
      featureSpecHash: FEATURE_SPEC.hash,
      modelVersion: "test",
    };
    const out = join(root, "artifacts");
    const summary = await writeArtifacts(out, { dataset, retrieval: als, ranker }, { createdAt: new Date(T0) });
    const manifest = JSON.parse(await readFile(join(out, "manifest.json"), "utf8")) as ModelManifest;
    expect(manifest.eventWeights).toEqual({
      source: file,
      weights: {
        ...DEFAULT_EVENT_WEIGHTS,
        types: { ...DEFAULT_EVENT_WEIGHTS.types, hide: -8 },
        dwell: { ...DEFAULT_EVENT_WEIGHTS.dwell, max_factor: 3 },
      },
    });
    expect(summary.manifest.eventWeights).toEqual(manifest.eventWeights);
  });

  it("defaults by format: the shared table for event logs", async () => {
    const dataset = await loadDataset(join(root, "data"));
    expect(dataset.eventWeights).toEqual({ source: "default", weights: DEFAULT_EVENT_WEIGHTS });
  });

  it("says which file is bad and why", async () => {
    const bad = join(root, "bad.json");
    await writeFile(bad, '{"types": {"hide": 2}}');
    await expect(readEventWeights(bad)).rejects.toThrow(`event weights ${bad}: types.hide: 2 — hide is negative feedback (≤ 0)`);
    const broken = join(root, "broken.json");
    await writeFile(broken, "{ types: ");
    await expect(readEventWeights(broken)).rejects.toThrow(/invalid JSON/);
    await expect(readEventWeights(join(root, "missing.json"))).rejects.toThrow(EventWeightsError);
    await expect(readEventWeights(join(root, "missing.json"))).rejects.toThrow(/cannot read \(ENOENT\)/);
  });

  it.skipIf(!HAS_ML100K)(
    "uses the MovieLens default on MovieLens 100k: every rating a positive interaction (needs ../shared/data/ml-100k)",
    async () => {
      const dataset = await loadDataset(ML100K);
      expect(dataset.eventWeights.source).toBe("default:movielens");
      expect(dataset.interactions.indices.length).toBe(100_000);
      expect(dataset.negatives.indices.length).toBe(0);
    },
  );
});

if (!HAS_ML100K) console.warn(`skipping the MovieLens 100k case: ${ML100K} is absent`);
