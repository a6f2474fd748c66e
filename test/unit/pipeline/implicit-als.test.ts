import { describe, expect, it } from "vitest";
import { buildInteractionMatrix, rowIndices } from "../../../pipeline/data/interaction-matrix";
import { ImplicitAls } from "../../../pipeline/models/implicit-als";
import { factorRow } from "../../../pipeline/models/recommender";
import { dot } from "../../../shared/math/vector";
import { BLOCK_SIZE, blockOf, twoBlockMatrix } from "./block-fixture";

const OPTIONS = { factors: 2, regularization: 0.1, alpha: 2, iterations: 10, seed: 23 };

describe("ImplicitAls", () => {
  const matrix = twoBlockMatrix();

  it("keeps recommendations and similar items inside the user's block", () => {
    const als = new ImplicitAls(OPTIONS);
    als.fit(matrix);
    for (let u = 0; u < matrix.rows; u++) {
      const recs = als.recommend(u, 4, rowIndices(matrix, u));
      expect(recs).toHaveLength(4);
      const seen = new Set(rowIndices(matrix, u));
      for (const rec of recs) {
        expect(blockOf(rec.index), `user ${u} got item ${rec.index}`).toBe(blockOf(u));
        expect(seen.has(rec.index)).toBe(false);
      }
    }
    for (let i = 0; i < matrix.cols; i++) {
      const similar = als.similarItems(i, BLOCK_SIZE - 1);
      expect(similar.map((s) => s.index)).not.toContain(i);
      for (const s of similar) expect(blockOf(s.index)).toBe(blockOf(i));
    }
  });

  it("decreases the training loss", () => {
    const losses: number[] = [];
    const als = new ImplicitAls({ ...OPTIONS, computeLoss: true, onIteration: (r) => losses.push(r.loss!) });
    als.fit(matrix);
    expect(losses).toHaveLength(OPTIONS.iterations);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThanOrEqual(losses[i - 1]! + 1e-6);
    expect(losses.at(-1)!).toBeLessThan(losses[0]! * 0.9);
    expect(als.loss(matrix)).toBeCloseTo(losses.at(-1)!, 6);
  });

  it("scores observed items near 1 and exposes Float32 factors", () => {
    const als = new ImplicitAls(OPTIONS);
    als.fit(matrix);
    const factors = als.factors!;
    expect(factors.dimensions).toBe(2);
    expect(factors.users).toBeInstanceOf(Float32Array);
    expect(factors.users.length).toBe(matrix.rows * 2);
    expect(factors.items.length).toBe(matrix.cols * 2);
    const scores = als.scoreItems(0);
    for (const item of rowIndices(matrix, 0)) {
      expect(scores[item]).toBeCloseTo(dot(factorRow(factors.users, 2, 0), factorRow(factors.items, 2, item)), 5);
      expect(scores[item]!).toBeGreaterThan(0.5);
    }
    const other = (BLOCK_SIZE + 3) % matrix.cols;
    expect(Math.abs(scores[other]!)).toBeLessThan(0.2);
  });

  it("is deterministic for a seed", () => {
    const a = new ImplicitAls(OPTIONS);
    const b = new ImplicitAls(OPTIONS);
    a.fit(matrix);
    b.fit(matrix);
    expect(Array.from(a.factors!.items)).toEqual(Array.from(b.factors!.items));
  });

  it("gives users without interactions a zero vector and rejects bad indices", () => {
    const als = new ImplicitAls(OPTIONS);
    const empty = { ...matrix, rows: matrix.rows + 1, indptr: Int32Array.from([...matrix.indptr, matrix.indices.length]) };
    als.fit(empty);
    expect(Array.from(factorRow(als.factors!.users, 2, matrix.rows)).every((v) => v === 0)).toBe(true);
    expect(() => als.recommend(matrix.rows + 1, 3)).toThrow(RangeError);
    expect(() => new ImplicitAls({ factors: 0 })).toThrow(/factors/);
  });
});

describe("ImplicitAls known answers", () => {
  it("solves one user and one item exactly: the score is 1 − λ / c with c = 1 + α·r", () => {
    // Minimise c(1 − xy)² + λ(x² + y²): at the fixed point x = y and x² = 1 − λ / c.
    const one = buildInteractionMatrix({ rows: 1, cols: 1 }, { rows: [0], cols: [0], confidence: [1.5] });
    const als = new ImplicitAls({ factors: 1, regularization: 1, alpha: 2, iterations: 200, cgSteps: 1, seed: 3 });
    als.fit(one);
    const c = 1 + 2 * 1.5;
    expect(als.scoreItems(0)[0]).toBeCloseTo(1 - 1 / c, 5);
  });

  it("leaves every item vector solving its normal equations given the user vectors (exact k-step solves)", () => {
    // 4 users × 5 items with graded confidences; factors 2 and 2 CG steps = an exact solve per row.
    const pairs: [number, number, number][] = [
      [0, 0, 1],
      [0, 1, 3],
      [1, 1, 1],
      [1, 2, 2],
      [2, 3, 1],
      [2, 4, 4],
      [3, 0, 2],
      [3, 4, 1],
    ];
    const data = buildInteractionMatrix(
      { rows: 4, cols: 5 },
      { rows: pairs.map((p) => p[0]), cols: pairs.map((p) => p[1]), confidence: pairs.map((p) => p[2]) },
    );
    const [lambda, alpha, k] = [0.5, 2, 2];
    const als = new ImplicitAls({ factors: k, regularization: lambda, alpha, iterations: 30, cgSteps: 2, seed: 11 });
    als.fit(data);
    const { users, items } = als.factors!;
    for (let item = 0; item < 5; item++) {
      // (Σ_u c_ui x_u x_uᵀ + λI) y_i = Σ_u c_ui p_ui x_u, with c = 1 for unobserved pairs (p = 0).
      const a = [
        [lambda, 0],
        [0, lambda],
      ];
      const b = [0, 0];
      for (let user = 0; user < 4; user++) {
        const r = pairs.find((p) => p[0] === user && p[1] === item)?.[2];
        const c = r === undefined ? 1 : 1 + alpha * r;
        const x = factorRow(users, k, user);
        for (let i = 0; i < k; i++) {
          for (let j = 0; j < k; j++) a[i]![j]! += c * x[i]! * x[j]!;
          if (r !== undefined) b[i]! += c * x[i]!;
        }
      }
      const y = factorRow(items, k, item);
      for (let i = 0; i < k; i++) expect(a[i]![0]! * y[0]! + a[i]![1]! * y[1]!).toBeCloseTo(b[i]!, 4);
    }
  });
});
