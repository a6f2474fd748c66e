import { describe, expect, it } from "vitest";
import { buildInteractionMatrix, rowIndices, type InteractionMatrix } from "../../../pipeline/data/interaction-matrix";
import { evaluateRecommender } from "../../../pipeline/evaluate/evaluate-recommender";
import { withSeed, type PlanEntry } from "../../../pipeline/evaluate/evaluation-plan";
import { isServable, servingDimensions } from "../../../pipeline/evaluate/serving-model";
import { cleoraBlendTrials, tunePlan } from "../../../pipeline/evaluate/tune-plan";
import { propagateRows, randomSignRows, type WeightedCsr } from "../../../pipeline/math/propagate-rows";
import { Cleora } from "../../../pipeline/models/cleora";
import { createRecommender, describeSpec, loadRecommender, type ModelSpec } from "../../../pipeline/models/model-spec";
import { stratifiedRandomSplit } from "../../../pipeline/split/stratified-random-split";
import { BLOCK_SIZE, blockOf, twoBlockMatrix } from "./block-fixture";

const matrix = (shape: { rows: number; cols: number }, triples: [number, number, number][]): InteractionMatrix =>
  buildInteractionMatrix(shape, { rows: triples.map((t) => t[0]), cols: triples.map((t) => t[1]), confidence: triples.map((t) => t[2]) });

const rowOf = (values: Float32Array, d: number, r: number): number[] => Array.from(values.subarray(r * d, (r + 1) * d));

const unit = (v: number[]): number[] => {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
};

/**
 * Cleora on the whole graph as the paper writes it, dense and independent of the model's code:
 * nodes = users then items, A the symmetric bipartite adjacency, every node starts from its own
 * random vector (users from `randomSignRows(users, d, seeds.users)`, items likewise), and each
 * iteration computes E ← normalize_rows(D⁻¹ A E) for all nodes at once.
 */
function denseCleora(
  m: InteractionMatrix,
  d: number,
  iterations: number,
  seeds: { users: number; items: number },
  weighting: "binary" | "confidence",
): number[][][] {
  const n = m.rows + m.cols;
  const adjacency = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let u = 0; u < m.rows; u++) {
    for (let e = m.indptr[u]!; e < m.indptr[u + 1]!; e++) {
      const w = weighting === "binary" ? 1 : m.confidence[e]!;
      adjacency[u]![m.rows + m.indices[e]!] = w;
      adjacency[m.rows + m.indices[e]!]![u] = w;
    }
  }
  const users = randomSignRows(m.rows, d, seeds.users);
  const items = randomSignRows(m.cols, d, seeds.items);
  let e = [
    ...Array.from({ length: m.rows }, (_, u) => rowOf(users, d, u)),
    ...Array.from({ length: m.cols }, (_, i) => rowOf(items, d, i)),
  ];
  const history = [e];
  for (let t = 0; t < iterations; t++) {
    e = adjacency.map((row) => {
      const degree = row.reduce((a, b) => a + b, 0);
      if (degree === 0) return new Array<number>(d).fill(0);
      const mixed = new Array<number>(d).fill(0);
      row.forEach((w, j) => {
        for (let k = 0; k < d; k++) mixed[k]! += (w / degree) * e[j]![k]!;
      });
      const norm = Math.hypot(...mixed);
      return norm > 0 ? mixed.map((x) => x / norm) : mixed;
    });
    history.push(e);
  }
  return history;
}

describe("randomSignRows", () => {
  it("draws ±1/√d coordinates (unit rows), the same for the same seed and different for another", () => {
    const a = randomSignRows(5, 16, 7);
    expect(a).toHaveLength(80);
    for (const x of a) expect(Math.abs(Math.abs(x) - 0.25)).toBeLessThan(1e-7);
    expect(randomSignRows(5, 16, 7)).toEqual(a);
    expect(randomSignRows(5, 16, 8)).not.toEqual(a);
    const plus = Array.from(a).filter((x) => x > 0).length;
    expect(plus).toBeGreaterThan(20);
    expect(plus).toBeLessThan(60);
  });
});

describe("propagateRows", () => {
  // Row 0 → cols 0 (w 1) and 1 (w 3); row 1 → col 2 (w 2); row 2 has no edges.
  const graph: WeightedCsr = {
    rows: 3,
    cols: 3,
    indptr: Int32Array.from([0, 2, 3, 3]),
    indices: Int32Array.from([0, 1, 2]),
    weights: Float32Array.from([1, 3, 2]),
  };
  const source = Float32Array.from([1, 0, 0, 1, 3, 4]);

  it("takes one random-walk step and L2-normalises each row (hand-computed)", () => {
    const out = propagateRows(graph, source, 2);
    // Row 0: ¼·(1, 0) + ¾·(0, 1) = (0.25, 0.75), norm √0.625 → (0.316228, 0.948683).
    expect(rowOf(out, 2, 0)[0]).toBeCloseTo(0.25 / Math.sqrt(0.625), 6);
    expect(rowOf(out, 2, 0)[1]).toBeCloseTo(0.75 / Math.sqrt(0.625), 6);
    // Row 1: 1·(3, 4) → (0.6, 0.8).
    expect(rowOf(out, 2, 1)[0]).toBeCloseTo(0.6, 6);
    expect(rowOf(out, 2, 1)[1]).toBeCloseTo(0.8, 6);
    // Row 2: no neighbours → zero.
    expect(rowOf(out, 2, 2)).toEqual([0, 0]);
  });

  it("depends on each row's weights only through their ratios (row normalisation)", () => {
    const scaled: WeightedCsr = { ...graph, weights: Float32Array.from([10, 30, 0.5]) };
    const a = propagateRows(graph, source, 2);
    const b = propagateRows(scaled, source, 2);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
    for (const r of [0, 1]) expect(Math.hypot(...rowOf(b, 2, r))).toBeCloseTo(1, 6);
  });

  it("gives zero for a row whose neighbours' average is zero, and checks the source's size", () => {
    const cancel: WeightedCsr = { rows: 1, cols: 2, indptr: Int32Array.from([0, 2]), indices: Int32Array.from([0, 1]), weights: [1, 1] };
    expect(Array.from(propagateRows(cancel, Float32Array.from([1, 2, -1, -2]), 2))).toEqual([0, 0]);
    expect(() => propagateRows(graph, new Float32Array(4), 2)).toThrow(RangeError);
  });
});

describe("Cleora", () => {
  // u0 → i0 (1), i1 (3); u1 → i1 (2); u2 → i2 (1); i3 has no interactions.
  const tiny = matrix({ rows: 3, cols: 4 }, [
    [0, 0, 1],
    [0, 1, 3],
    [1, 1, 2],
    [2, 2, 1],
  ]);

  it("one iteration by hand: users are the normalised weighted mean of their items' start vectors", () => {
    const d = 4;
    const model = new Cleora({ dimensions: d, iterations: 1, weighting: "confidence", seed: 3 });
    model.fit(tiny);
    const start = randomSignRows(4, d, 3);
    const r = (i: number) => rowOf(start, d, i);
    expect(rowOf(model.factors!.items, d, 0)).toEqual(r(0));
    const u0 = unit(r(0).map((x, k) => 0.25 * x + 0.75 * r(1)[k]!));
    rowOf(model.factors!.users, d, 0).forEach((x, k) => {
      expect(x).toBeCloseTo(u0[k]!, 6);
    });
    rowOf(model.factors!.users, d, 1).forEach((x, k) => {
      expect(x).toBeCloseTo(r(1)[k]!, 6);
    });
    // The score is the cosine: u0 · i1 = (¼ r0·r1 + ¾) / ‖¼ r0 + ¾ r1‖.
    const dot01 = r(0).reduce((s, x, k) => s + x * r(1)[k]!, 0);
    const expected = (0.25 * dot01 + 0.75) / Math.hypot(...r(0).map((x, k) => 0.25 * x + 0.75 * r(1)[k]!));
    expect(model.scoreItems(0)[1]).toBeCloseTo(expected, 6);
  });

  it.each([1, 2, 3, 4, 5])("pairs users after %i iterations with items one iteration earlier, as the whole-graph iteration does", (n) => {
    const d = 8;
    const fixture = twoBlockMatrix();
    const reference = denseCleora(fixture, d, n, { users: 11, items: 11 }, "confidence");
    const model = new Cleora({ dimensions: d, iterations: n, weighting: "confidence", seed: 11 });
    model.fit(fixture);
    const { users, items } = model.factors!;
    for (let u = 0; u < fixture.rows; u++)
      rowOf(users, d, u).forEach((x, k) => {
        expect(x).toBeCloseTo(reference[n]![u]![k]!, 5);
      });
    for (let i = 0; i < fixture.cols; i++) {
      rowOf(items, d, i).forEach((x, k) => {
        expect(x).toBeCloseTo(reference[n - 1]![fixture.rows + i]![k]!, 5);
      });
    }
  });

  it("scores in one basis for either parity: same-iteration user · item products are noise, the paired ones are not", () => {
    const d = 256;
    const fixture = twoBlockMatrix();
    for (const n of [2, 3]) {
      const reference = denseCleora(fixture, d, n, { users: 5, items: 6 }, "binary");
      const model = new Cleora({ dimensions: d, iterations: n, weighting: "binary", seed: 5 });
      model.fit(fixture);
      const dot = (a: number[], b: number[]) => a.reduce((s, x, k) => s + x * b[k]!, 0);
      let paired = 0;
      let sameIteration = 0;
      for (let u = 0; u < BLOCK_SIZE; u++) {
        for (const i of rowIndices(fixture, u)) {
          paired += model.scoreItems(u)[i]! / 60;
          sameIteration += dot(reference[n]![u]!, reference[n]![fixture.rows + i]!) / 60;
        }
      }
      expect(paired).toBeGreaterThan(0.5);
      expect(Math.abs(sameIteration)).toBeLessThan(0.1);
    }
  });

  it("is deterministic for a seed and changes with it", () => {
    const embed = (seed: number) => {
      const model = new Cleora({ dimensions: 32, iterations: 3, seed });
      model.fit(twoBlockMatrix());
      return model.factors!;
    };
    expect(embed(9).users).toEqual(embed(9).users);
    expect(embed(9).items).toEqual(embed(9).items);
    expect(embed(9).users).not.toEqual(embed(10).users);
  });

  it("gives a user with one item that item's vector, so their scores are the item's cosine similarities", () => {
    const d = 64;
    const model = new Cleora({ dimensions: d, iterations: 2, weighting: "binary" });
    model.fit(tiny);
    const { users, items } = model.factors!;
    rowOf(users, d, 1).forEach((x, k) => {
      expect(x).toBeCloseTo(rowOf(items, d, 1)[k]!, 6);
    });
    const scores = model.scoreItems(1);
    expect(scores[1]).toBeCloseTo(1, 6);
    for (const { index, score } of model.similarItems(1, 3)) expect(scores[index]).toBeCloseTo(score, 5);
    // u1's only item i1 is shared with u0, whose other item is i0: i0 first, i2 (another component) unrelated.
    expect(model.recommend(1, 1, [1])[0]!.index).toBe(0);
  });

  it("gives an item without interactions a zero vector: score 0 for everyone, after every item with evidence", () => {
    const d = 64;
    for (const n of [2, 3, 4]) {
      const model = new Cleora({ dimensions: d, iterations: n });
      model.fit(tiny);
      expect(rowOf(model.factors!.items, d, 3)).toEqual(new Array(d).fill(0));
      for (let u = 0; u < 3; u++) expect(model.scoreItems(u)[3]).toBe(0);
      expect(model.similarItems(3, 2).every((s) => s.score === 0)).toBe(true);
      const ranked = model.recommend(0, 4).map((s) => s.index);
      expect(ranked.indexOf(3)).toBeGreaterThan(ranked.indexOf(1));
    }
  });

  it("separates two communities: items and users sit with their own block and get in-block recommendations", () => {
    const fixture = twoBlockMatrix();
    const d = 128;
    for (const n of [2, 3, 4]) {
      const model = new Cleora({ dimensions: d, iterations: n, seed: 23 });
      model.fit(fixture);
      for (let i = 0; i < fixture.cols; i++) {
        for (const neighbour of model.similarItems(i, 3)) expect(blockOf(neighbour.index), `n ${n} item ${i}`).toBe(blockOf(i));
      }
      const { items } = model.factors!;
      let within = 0;
      let across = 0;
      for (let i = 0; i < fixture.cols; i++) {
        for (let j = 0; j < fixture.cols; j++) {
          if (i === j) continue;
          const cosine = rowOf(items, d, i).reduce((sum, x, k) => sum + x * items[j * d + k]!, 0);
          if (blockOf(i) === blockOf(j)) within += cosine / (2 * BLOCK_SIZE * (BLOCK_SIZE - 1));
          else across += cosine / (2 * BLOCK_SIZE * BLOCK_SIZE);
        }
      }
      expect(within, `n ${n}`).toBeGreaterThan(across + 0.3);
      for (let u = 0; u < fixture.rows; u++) {
        const seen = new Set(rowIndices(fixture, u));
        const recs = model.recommend(u, 4, seen);
        expect(recs).toHaveLength(4);
        for (const rec of recs) expect(blockOf(rec.index), `n ${n} user ${u} got ${rec.index}`).toBe(blockOf(u));
        const scores = Array.from(model.scoreItems(u));
        const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
        const inBlock = mean(scores.filter((_, i) => blockOf(i) === blockOf(u)));
        const outBlock = mean(scores.filter((_, i) => blockOf(i) !== blockOf(u)));
        expect(inBlock, `n ${n} user ${u}`).toBeGreaterThan(outBlock + 0.3);
      }
    }
  });

  it("rejects bad options", () => {
    expect(() => new Cleora({ dimensions: 0 })).toThrow(RangeError);
    expect(() => new Cleora({ iterations: 0 })).toThrow(RangeError);
    expect(() => new Cleora({ iterations: 1.5 })).toThrow(RangeError);
    expect(() => new Cleora({ weighting: "log" as "binary" })).toThrow(RangeError);
  });

  it("is built from a spec, seeded by the plan, servable, and saved and restored exactly", () => {
    const spec: ModelSpec = { model: "cleora", options: { dimensions: 16, iterations: 3, weighting: "binary" } };
    expect(describeSpec(spec)).toBe("cleora(dimensions=16, iterations=3, weighting=binary)");
    expect(withSeed(spec, 44)).toEqual({ model: "cleora", options: { dimensions: 16, iterations: 3, weighting: "binary", seed: 44 } });
    expect(isServable(spec)).toBe(true);
    expect(servingDimensions(spec)).toBe(16);
    const model = createRecommender(spec);
    model.fit(twoBlockMatrix());
    const restored = loadRecommender(model.save());
    expect(restored.name).toBe("cleora");
    expect(restored.factors!.users).toEqual(model.factors!.users);
    expect(Array.from(restored.scoreItems(3))).toEqual(Array.from(model.scoreItems(3)));
    expect(restored.recommend(3, 5, rowIndices(twoBlockMatrix(), 3))).toEqual(model.recommend(3, 5, rowIndices(twoBlockMatrix(), 3)));
  });
});

describe("Cleora in the evaluation plan", () => {
  const blend: PlanEntry = {
    key: "ease+implicit-als",
    spec: {
      model: "blend",
      parts: [
        { model: "ease", options: { lambda: 400 } },
        { model: "implicit-als", options: { factors: 8 } },
      ],
      weights: [0.7, 0.3],
    },
    servable: false,
    from: ["ease", "implicit-als"],
  };
  const cleora: PlanEntry = { key: "cleora", spec: { model: "cleora", options: { iterations: 3 } }, servable: true };

  it("adds Cleora as a third blend part with weight c, the other parts keeping their ratio", () => {
    const trials = cleoraBlendTrials(blend, cleora, [0.1, 0.5]);
    expect(trials.map((t) => t.key)).toEqual(["ease+implicit-als+cleora", "ease+implicit-als+cleora"]);
    expect(trials[0]!.from).toEqual(["ease", "implicit-als", "cleora"]);
    expect(trials[0]!.spec).toEqual({
      model: "blend",
      parts: [...(blend.spec as { parts: ModelSpec[] }).parts, cleora.spec],
      weights: [0.63, 0.27, 0.1],
    });
    expect((trials[1]!.spec as { weights: number[] }).weights).toEqual([0.35, 0.15, 0.5]);
  });

  it.each([0, 0.005, 10])("tunes a cleora row and keeps the three-part blend only when it wins on validation by %f", async (minGain) => {
    const data = twoBlockMatrix();
    const validation = stratifiedRandomSplit(data, { ratio: 0.75, by: "item", seed: 1 });
    const result = await tunePlan(validation, {
      grids: {
        "item-knn": [{ neighbours: 5, shrinkage: 0 }],
        "implicit-als": [{ factors: 4, regularization: 1, alpha: 2, iterations: 3 }],
        ease: [{ lambda: 10 }],
        easeMinSupport: [1],
        blendWeights: [0.5],
        cleora: [
          { dimensions: 32, iterations: 2 },
          { dimensions: 32, iterations: 3 },
        ],
        cleoraBlendWeights: [0.1, 0.5],
      },
      dimensions: 4,
      alsSearch: { budgetSeconds: 0 },
      blendPartMinGain: minGain,
    });
    const keys = result.plan.entries.map((e) => e.key);
    expect(keys).toContain("cleora");
    expect(result.trials.filter((t) => t.key === "cleora")).toHaveLength(2);
    const blendKey = result.trials.find((t) => t.key.endsWith("+implicit-als"))!.key;
    const threePart = `${blendKey}+cleora`;
    expect(result.trials.filter((t) => t.key === threePart)).toHaveLength(2);
    const best = (key: string) => Math.max(...result.trials.filter((t) => t.key === key).map((t) => t.ndcg));
    if (minGain === 10) expect(keys).not.toContain(threePart);
    if (best(threePart) > best(blendKey) * (1 + minGain)) {
      expect(keys).toContain(threePart);
      expect(keys).toContain(`${threePart}@4d`);
    } else {
      expect(keys).not.toContain(threePart);
      expect(keys).toContain(`${blendKey}@4d`);
    }
    const servable = result.plan.entries.filter((e) => e.servable).map((e) => e.key);
    const winner = servable.reduce((a, b) => (result.validationNdcg[b]! > result.validationNdcg[a]! ? b : a));
    expect(result.validationNdcg[result.plan.serving]).toBe(result.validationNdcg[winner]);
    const fitted = createRecommender(result.plan.entries.find((e) => e.key === "cleora")!.spec);
    fitted.fit(validation.train);
    expect(evaluateRecommender(fitted, validation, { k: 10, accuracyOnly: true }).ndcg).toBeCloseTo(result.validationNdcg.cleora!, 10);
  });
});
