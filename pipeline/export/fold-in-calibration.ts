/**
 * How faithfully the edge's session fold-in (shared/realtime/fold-in-user-vector: the ALS
 * least-squares user update with item vectors fixed) reproduces the published user vectors, and
 * which λ and α make it most faithful. For implicit ALS the trained λ and α are exact by
 * construction; for a factorised model (truncated SVD of EASE + ALS scores) the fold-in is an
 * approximation, so λ and α are chosen on a grid to minimise the relative error between a user's
 * fold-in over their whole history and their published vector. The edge then folds sessions into
 * the same space with the same code — no training–serving skew in the update rule.
 */
import { gramMatrix } from "../../shared/math/gram-matrix";
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { LatentFactors } from "../models/recommender";
import { createRng } from "../../shared/math/random";
import { foldInUserVector, type FoldInParameters } from "../../shared/realtime/fold-in-user-vector";

/** λ and α for the fold-in, and how well it reproduces the published user vectors. */
export interface FoldInFit {
  regularization: number;
  alpha: number;
  /** Mean cosine between fold-in and published user vectors over the sampled users. */
  meanCosine: number;
  /** Mean ‖fold-in − published‖ / ‖published‖. */
  meanRelativeError: number;
  users: number;
}

/** Options of {@link calibrateFoldIn}. */
export interface CalibrateFoldInOptions {
  /** λ candidates as multiples of the mean diagonal of YᵀY. */
  regularizationScales: number[];
  alphas: number[];
  /** Users sampled for the fit. */
  sampleUsers: number;
  seed: number;
  /** Negative evidence the model was trained with: each user's history carries it as negative weights, as the edge's session does. */
  negatives?: InteractionMatrix;
}

/** Defaults: a 5 × 5 grid on 300 users. */
export const CALIBRATE_FOLD_IN_DEFAULTS = {
  regularizationScales: [0.001, 0.01, 0.1, 1, 10],
  alphas: [0, 1, 4, 16, 64],
  sampleUsers: 300,
  seed: 42,
} as const satisfies CalibrateFoldInOptions;

/** The fidelity of fold-in with fixed λ and α (e.g. the trained ALS parameters). */
export function foldInFidelity(
  factors: LatentFactors,
  interactions: InteractionMatrix,
  parameters: { regularization: number; alpha: number },
  options: Partial<Pick<CalibrateFoldInOptions, "sampleUsers" | "seed" | "negatives">> = {},
): FoldInFit {
  const opts = { ...CALIBRATE_FOLD_IN_DEFAULTS, ...options };
  return measure(
    factors,
    interactions,
    itemGram(factors),
    sampleUsers(interactions, opts.sampleUsers, opts.seed),
    parameters,
    opts.negatives,
  );
}

/** The λ and α of the grid with the smallest relative error. */
export function calibrateFoldIn(
  factors: LatentFactors,
  interactions: InteractionMatrix,
  options: Partial<CalibrateFoldInOptions> = {},
): FoldInFit {
  const opts = { ...CALIBRATE_FOLD_IN_DEFAULTS, ...options } satisfies CalibrateFoldInOptions;
  const gram = itemGram(factors);
  const k = factors.dimensions;
  let trace = 0;
  for (let d = 0; d < k; d++) trace += gram[d * k + d]!;
  const users = sampleUsers(interactions, opts.sampleUsers, opts.seed);
  let best: FoldInFit | undefined;
  for (const scale of opts.regularizationScales) {
    for (const alpha of opts.alphas) {
      const regularization = Number(((scale * trace) / k).toPrecision(4));
      const fit = measure(factors, interactions, gram, users, { regularization, alpha }, opts.negatives);
      if (!best || fit.meanRelativeError < best.meanRelativeError) best = fit;
    }
  }
  return best!;
}

function measure(
  factors: LatentFactors,
  interactions: InteractionMatrix,
  gram: Float64Array,
  users: number[],
  parameters: { regularization: number; alpha: number },
  negatives: InteractionMatrix | undefined,
): FoldInFit {
  const k = factors.dimensions;
  const model: FoldInParameters = { dimensions: k, gram: Array.from(gram), ...parameters };
  let cosine = 0;
  let relative = 0;
  let counted = 0;
  for (const u of users) {
    const history = [];
    for (let e = interactions.indptr[u]!; e < interactions.indptr[u + 1]!; e++) {
      const item = interactions.indices[e]!;
      history.push({ vector: factors.items.subarray(item * k, (item + 1) * k), weight: interactions.confidence[e]! });
    }
    for (let e = negatives?.indptr[u] ?? 0; negatives && e < negatives.indptr[u + 1]!; e++) {
      const item = negatives.indices[e]!;
      history.push({ vector: factors.items.subarray(item * k, (item + 1) * k), weight: -negatives.confidence[e]! });
    }
    const folded = foldInUserVector(model, history);
    const trained = factors.users.subarray(u * k, (u + 1) * k);
    let dot = 0;
    let nf = 0;
    let nt = 0;
    let diff = 0;
    for (let d = 0; d < k; d++) {
      const f = folded ? folded[d]! : 0;
      dot += f * trained[d]!;
      nf += f * f;
      nt += trained[d]! * trained[d]!;
      diff += (f - trained[d]!) ** 2;
    }
    if (nt === 0) continue;
    cosine += nf > 0 ? dot / Math.sqrt(nf * nt) : 0;
    relative += Math.sqrt(diff / nt);
    counted++;
  }
  const mean = (x: number) => (counted > 0 ? Number((x / counted).toPrecision(4)) : Number.NaN);
  return { ...parameters, meanCosine: mean(cosine), meanRelativeError: mean(relative), users: counted };
}

/** YᵀY of the item factors (k × k). */
function itemGram(factors: LatentFactors): Float64Array {
  return gramMatrix(factors.items, factors.items.length / factors.dimensions, factors.dimensions);
}

/** Up to `count` users with interactions, seeded. */
function sampleUsers(interactions: InteractionMatrix, count: number, seed: number): number[] {
  const active: number[] = [];
  for (let u = 0; u < interactions.rows; u++) if (interactions.indptr[u + 1]! > interactions.indptr[u]!) active.push(u);
  return createRng(seed).shuffle(active).slice(0, count);
}
