/**
 * Implicit-feedback matrix factorisation (Hu, Koren & Volinsky 2008, "Collaborative Filtering for
 * Implicit Feedback Datasets"), solved by alternating least squares with the conjugate-gradient
 * inner solver of Takács et al. as used by the `implicit` library: a few CG steps per row, warm
 * started from the previous iterate, never forming the per-user k×k matrix.
 *
 * Preference p_ui = 1 for every positive pair, confidence c_ui = 1 + alpha · r_ui where r_ui is
 * the summed event weight (shared/events/event-weight.ts); unobserved pairs have p = 0, c = 1.
 * Negative evidence (a hide, a skip, a 1-star rating: the pairs of the optional `negatives` matrix,
 * r = the summed |weight|) keeps p = 0 but with confidence 1 + alpha · r, the usual "observed zero"
 * treatment — the same rule as the edge's fold-in (`shared/realtime/fold-in-user-vector.ts`).
 * Each half-step solves, per row u, (YᵀY + Yᵤᵀ(Cᵤ − I)Yᵤ + λI) xᵤ = Yᵤᵀ Cᵤ pᵤ.
 *
 * With `popularityDebias` γ > 0 the positive weights r_ui are first corrected for popularity bias
 * by inverse propensity, pᵢ ∝ (nᵢ / maxⱼ nⱼ)^γ, mean weight kept (`pipeline/bias/popularity-propensity.ts`).
 */
import { createRng } from "../../shared/math/random";
import type { InteractionMatrix } from "../data/interaction-matrix";
import { gramMatrix } from "../../shared/math/gram-matrix";
import { withPopularityInversePropensity } from "../bias/popularity-propensity";
import { topK, type ScoredIndex } from "../../shared/math/top-k";
import { dot } from "../../shared/math/vector";
import { checkIndex, factorRow, factorScores, topScored, type LatentFactors, type Recommender } from "./recommender";
import { savedArray, type SavedModel } from "./saved-model";

/** Progress of one ALS iteration (a user half-step followed by an item half-step). */
export interface AlsIterationReport {
  /** 1-based. */
  iteration: number;
  /** Weighted squared loss per unit of confidence (only when `computeLoss` is on). */
  loss?: number;
}

/** Options of {@link ImplicitAls}. */
export interface ImplicitAlsOptions {
  /** Embedding size. */
  factors: number;
  /** L2 penalty λ on every user and item vector. */
  regularization: number;
  /** Confidence scale: c = 1 + alpha · summed event weight. */
  alpha: number;
  iterations: number;
  /** Conjugate-gradient steps per row and half-step (implicit uses 3). */
  cgSteps: number;
  seed: number;
  /** Compute the training loss after each iteration (costs one extra pass). */
  computeLoss: boolean;
  /** Called after each iteration. */
  onIteration?: (report: AlsIterationReport) => void;
  /**
   * Popularity-bias correction: exponent γ of the item propensity (nᵢ / maxⱼ nⱼ)^γ whose capped
   * inverse multiplies each positive weight before the confidences (absent or 0: off, as before).
   */
  popularityDebias?: number;
  /** Cap on the popularity inverse propensity (absent: 20). */
  popularityDebiasMaxWeight?: number;
}

/** Defaults (λ and alpha tuned on the demo dataset: hold-out recall@10 1.6× popularity's). */
export const IMPLICIT_ALS_DEFAULTS = {
  factors: 32,
  regularization: 10,
  alpha: 2,
  iterations: 15,
  cgSteps: 3,
  seed: 42,
  computeLoss: false,
} as const satisfies ImplicitAlsOptions;

/** Hu–Koren–Volinsky implicit ALS with a conjugate-gradient solver and Float32 factors. */
export class ImplicitAls implements Recommender {
  readonly name = "implicit-als";
  private readonly options: ImplicitAlsOptions;
  private userFactors: Float32Array = new Float32Array(0);
  private itemFactors: Float32Array = new Float32Array(0);
  private itemNorms: Float32Array = new Float32Array(0);
  private users = 0;
  private items = 0;

  /** Restores a model saved by {@link ImplicitAls.save}. */
  static load(saved: SavedModel): ImplicitAls {
    const model = new ImplicitAls(saved.options as Partial<ImplicitAlsOptions>);
    const k = model.options.factors;
    model.userFactors = savedArray(saved, "users", Float32Array);
    model.itemFactors = savedArray(saved, "items", Float32Array);
    model.users = model.userFactors.length / k;
    model.items = model.itemFactors.length / k;
    model.itemNorms = rowNorms(model.itemFactors, model.items, k);
    return model;
  }

  constructor(options: Partial<ImplicitAlsOptions> = {}) {
    this.options = { ...IMPLICIT_ALS_DEFAULTS, ...options } satisfies ImplicitAlsOptions;
    const { factors, iterations, cgSteps, regularization, alpha } = this.options;
    if (!Number.isInteger(factors) || factors < 1) throw new RangeError(`factors must be ≥ 1, got ${factors}`);
    if (!Number.isInteger(iterations) || iterations < 0) throw new RangeError(`iterations must be ≥ 0`);
    if (!Number.isInteger(cgSteps) || cgSteps < 1) throw new RangeError(`cgSteps must be ≥ 1`);
    if (!(regularization >= 0) || !(alpha >= 0)) throw new RangeError(`regularization and alpha must be ≥ 0`);
    const debias = this.options.popularityDebias ?? 0;
    if (!(debias >= 0)) throw new RangeError(`popularityDebias must be ≥ 0, got ${debias}`);
  }

  get factors(): LatentFactors | null {
    if (this.users === 0 && this.items === 0) return null;
    return { dimensions: this.options.factors, users: this.userFactors, items: this.itemFactors };
  }

  /**
   * Trains from scratch on `interactions` (users × items, p = 1) and, when given, `negatives` (the
   * same shape, p = 0 with confidence 1 + alpha · r; a pair in both counts as positive).
   */
  fit(interactions: InteractionMatrix, negatives?: InteractionMatrix): void {
    const k = this.options.factors;
    this.users = interactions.rows;
    this.items = interactions.cols;
    const rng = createRng(this.options.seed);
    this.userFactors = Float32Array.from({ length: this.users * k }, () => rng.next() * 0.01);
    this.itemFactors = Float32Array.from({ length: this.items * k }, () => rng.next() * 0.01);
    const byUser = this.confidence(interactions, negatives);
    const byItem = transposeConfidence(byUser, this.items);
    for (let iteration = 1; iteration <= this.options.iterations; iteration++) {
      this.solveRows(byUser, this.userFactors, this.itemFactors);
      this.solveRows(byItem, this.itemFactors, this.userFactors);
      const report: AlsIterationReport = { iteration };
      if (this.options.computeLoss) report.loss = this.loss(interactions, negatives);
      this.options.onIteration?.(report);
    }
    this.itemNorms = rowNorms(this.itemFactors, this.items, k);
  }

  /**
   * The objective Σ c_ui (p_ui − xᵤ·yᵢ)² + λ(Σ‖xᵤ‖² + Σ‖yᵢ‖²) over all pairs, divided by the total
   * confidence (as `implicit` reports it), for the current factors.
   */
  loss(interactions: InteractionMatrix, negatives?: InteractionMatrix): number {
    const k = this.options.factors;
    const gram = gramMatrix(this.itemFactors, this.items, k, 0);
    const confidence = this.confidence(interactions, negatives);
    const projected = new Float64Array(k);
    let loss = 0;
    let totalConfidence = 0;
    let userNorm = 0;
    const x = new Float64Array(k);
    for (let u = 0; u < this.users; u++) {
      for (let d = 0; d < k; d++) x[d] = this.userFactors[u * k + d]!;
      symmetricMultiply(gram, x, projected, k);
      loss += dot(x, projected, k);
      userNorm += dot(x, x, k);
      for (let e = confidence.indptr[u]!; e < confidence.indptr[u + 1]!; e++) {
        const c = confidence.values[e]!;
        const p = confidence.preferences[e]!;
        const s = dot(factorRow(this.itemFactors, k, confidence.indices[e]!), x, k);
        loss += (c - 1) * s * s - 2 * c * p * s + c * p;
        totalConfidence += c;
      }
    }
    let itemNorm = 0;
    for (let j = 0; j < this.itemFactors.length; j++) itemNorm += this.itemFactors[j]! * this.itemFactors[j]!;
    loss += this.options.regularization * (userNorm + itemNorm);
    const unobserved = this.users * this.items - confidence.indices.length;
    return loss / (totalConfidence + unobserved);
  }

  /** Dot-product scores of every item for `userIndex` (written into `out` when given). */
  scoreItems(userIndex: number, out = new Float32Array(this.items)): Float32Array {
    return factorScores(this.userFactors, this.itemFactors, this.options.factors, this.checkUser(userIndex), out);
  }

  recommend(userIndex: number, k: number, exclude?: Iterable<number>): ScoredIndex[] {
    return topScored(this.scoreItems(userIndex), k, exclude);
  }

  /** Items by cosine similarity of their factors. */
  similarItems(itemIndex: number, k: number): ScoredIndex[] {
    const dims = this.options.factors;
    checkIndex("item", itemIndex, this.items);
    const y = factorRow(this.itemFactors, dims, itemIndex);
    const norm = this.itemNorms[itemIndex]!;
    const scores = new Float32Array(this.items);
    for (let i = 0; i < this.items; i++) {
      const denominator = norm * this.itemNorms[i]!;
      scores[i] = denominator > 0 ? dot(y, factorRow(this.itemFactors, dims, i), dims) / denominator : 0;
    }
    const excludeMask = new Uint8Array(this.items);
    excludeMask[itemIndex] = 1;
    return topK(scores, k, { excludeMask });
  }

  save(): SavedModel {
    const { onIteration: _, ...options } = this.options;
    return { model: this.name, options, arrays: { users: this.userFactors, items: this.itemFactors } };
  }

  /**
   * One half-step: re-solves every row of `target` given the fixed factors. The inner loops read
   * a Float64 copy of the fixed factors by offset (no subarray views, no mixed-type arithmetic).
   */
  private solveRows(matrix: ConfidenceMatrix, target: Float32Array, fixedFactors: Float32Array): void {
    const k = this.options.factors;
    const cgSteps = this.options.cgSteps;
    const gram = gramMatrix(fixedFactors, fixedFactors.length / k, k, this.options.regularization);
    const fixed = Float64Array.from(fixedFactors);
    const x = new Float64Array(k);
    const r = new Float64Array(k);
    const p = new Float64Array(k);
    const ap = new Float64Array(k);
    const { indptr, indices, values, preferences } = matrix;
    for (let row = 0; row < matrix.rows; row++) {
      const start = indptr[row]!;
      const end = indptr[row + 1]!;
      const out = row * k;
      if (start === end) {
        target.fill(0, out, out + k);
        continue;
      }
      for (let d = 0; d < k; d++) x[d] = target[out + d]!;
      symmetricMultiply(gram, x, r, k);
      for (let d = 0; d < k; d++) r[d] = -r[d]!;
      for (let e = start; e < end; e++) {
        const c = values[e]!;
        const y = indices[e]! * k;
        axpyAt(c * preferences[e]! - (c - 1) * dotAt(fixed, y, x, k), fixed, y, r, k);
      }
      p.set(r);
      let rsOld = dotAt(r, 0, r, k);
      if (rsOld < 1e-20) continue;
      for (let step = 0; step < cgSteps; step++) {
        symmetricMultiply(gram, p, ap, k);
        for (let e = start; e < end; e++) {
          const y = indices[e]! * k;
          axpyAt((values[e]! - 1) * dotAt(fixed, y, p, k), fixed, y, ap, k);
        }
        const stepSize = rsOld / dotAt(p, 0, ap, k);
        let rsNew = 0;
        for (let d = 0; d < k; d++) {
          x[d]! += stepSize * p[d]!;
          r[d]! -= stepSize * ap[d]!;
          rsNew += r[d]! * r[d]!;
        }
        if (rsNew < 1e-20) break;
        const beta = rsNew / rsOld;
        for (let d = 0; d < k; d++) p[d] = r[d]! + beta * p[d]!;
        rsOld = rsNew;
      }
      for (let d = 0; d < k; d++) target[out + d] = x[d]!;
    }
  }

  /** The confidences this model trains on: {@link alsConfidence} of the (popularity-corrected) positives. */
  private confidence(interactions: InteractionMatrix, negatives: InteractionMatrix | undefined): ConfidenceMatrix {
    const { popularityDebias, popularityDebiasMaxWeight, alpha } = this.options;
    const positives = withPopularityInversePropensity(interactions, {
      gamma: popularityDebias ?? 0,
      ...(popularityDebiasMaxWeight !== undefined ? { maxWeight: popularityDebiasMaxWeight } : {}),
    });
    return alsConfidence(positives, negatives, alpha);
  }

  private checkUser(userIndex: number): number {
    return checkIndex("user", userIndex, this.users);
  }
}

/** CSR rows of the observed pairs: confidence c = 1 + alpha · r and preference p (1 or 0). */
export interface ConfidenceMatrix {
  rows: number;
  indptr: Int32Array;
  indices: Int32Array;
  values: Float64Array;
  preferences: Uint8Array;
}

/**
 * The per-(user, item) confidence and preference ALS trains on: every positive pair p = 1,
 * c = 1 + alpha · r; every negative pair that is not also positive p = 0, c = 1 + alpha · r (r =
 * its summed |weight|). Rows are users, columns ascending within a row.
 * @example alsConfidence(positives, negatives, 2) // a pair hidden with weight 5 → p 0, c 11
 */
export function alsConfidence(positives: InteractionMatrix, negatives: InteractionMatrix | undefined, alpha: number): ConfidenceMatrix {
  if (negatives && (negatives.rows !== positives.rows || negatives.cols !== positives.cols)) {
    throw new RangeError(`negatives are ${negatives.rows}×${negatives.cols}, interactions ${positives.rows}×${positives.cols}`);
  }
  const rows = positives.rows;
  const none = { indptr: new Int32Array(rows + 1), indices: new Int32Array(0), confidence: new Float32Array(0) };
  const negative = negatives ?? none;
  const indptr = new Int32Array(rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  const preferences: number[] = [];
  const push = (column: number, weight: number, preference: number) => {
    indices.push(column);
    values.push(1 + alpha * weight);
    preferences.push(preference);
  };
  for (let u = 0; u < rows; u++) {
    let a = positives.indptr[u]!;
    let b = negative.indptr[u]!;
    const aEnd = positives.indptr[u + 1]!;
    const bEnd = negative.indptr[u + 1]!;
    while (a < aEnd || b < bEnd) {
      const pc = a < aEnd ? positives.indices[a]! : Number.POSITIVE_INFINITY;
      const nc = b < bEnd ? negative.indices[b]! : Number.POSITIVE_INFINITY;
      if (pc <= nc) {
        push(pc, positives.confidence[a++]!, 1);
        if (nc === pc) b++;
      } else {
        push(nc, negative.confidence[b++]!, 0);
      }
    }
    indptr[u + 1] = indices.length;
  }
  return {
    rows,
    indptr,
    indices: Int32Array.from(indices),
    values: Float64Array.from(values),
    preferences: Uint8Array.from(preferences),
  };
}

/** The item × user view of a {@link ConfidenceMatrix} over `cols` columns (columns ascending). */
function transposeConfidence(matrix: ConfidenceMatrix, cols: number): ConfidenceMatrix {
  const nnz = matrix.indices.length;
  const indptr = new Int32Array(cols + 1);
  for (let e = 0; e < nnz; e++) indptr[matrix.indices[e]! + 1]!++;
  for (let c = 0; c < cols; c++) indptr[c + 1]! += indptr[c]!;
  const cursor = indptr.slice(0, cols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  const preferences = new Uint8Array(nnz);
  for (let r = 0; r < matrix.rows; r++) {
    for (let e = matrix.indptr[r]!; e < matrix.indptr[r + 1]!; e++) {
      const slot = cursor[matrix.indices[e]!]!++;
      indices[slot] = r;
      values[slot] = matrix.values[e]!;
      preferences[slot] = matrix.preferences[e]!;
    }
  }
  return { rows: cols, indptr, indices, values, preferences };
}

/** out = M v for a dense k×k matrix M. */
function symmetricMultiply(matrix: Float64Array, v: Float64Array, out: Float64Array, k: number): void {
  for (let a = 0; a < k; a++) out[a] = dotAt(matrix, a * k, v, k);
}

/** Σ_d m[offset + d] · v[d] for d < k, four accumulators (k ≥ 1). */
function dotAt(m: Float64Array, offset: number, v: Float64Array, k: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let d = 0;
  for (; d + 3 < k; d += 4) {
    s0 += m[offset + d]! * v[d]!;
    s1 += m[offset + d + 1]! * v[d + 1]!;
    s2 += m[offset + d + 2]! * v[d + 2]!;
    s3 += m[offset + d + 3]! * v[d + 3]!;
  }
  for (; d < k; d++) s0 += m[offset + d]! * v[d]!;
  return s0 + s1 + (s2 + s3);
}

/** out[d] += a · m[offset + d] for d < k. */
function axpyAt(a: number, m: Float64Array, offset: number, out: Float64Array, k: number): void {
  let d = 0;
  for (; d + 3 < k; d += 4) {
    out[d]! += a * m[offset + d]!;
    out[d + 1]! += a * m[offset + d + 1]!;
    out[d + 2]! += a * m[offset + d + 2]!;
    out[d + 3]! += a * m[offset + d + 3]!;
  }
  for (; d < k; d++) out[d]! += a * m[offset + d]!;
}

function rowNorms(factors: Float32Array, rows: number, k: number): Float32Array {
  const norms = new Float32Array(rows);
  for (let row = 0; row < rows; row++) norms[row] = Math.sqrt(dot(factorRow(factors, k, row), factorRow(factors, k, row), k));
  return norms;
}
