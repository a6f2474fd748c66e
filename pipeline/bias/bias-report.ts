/**
 * Naive against inverse-propensity-weighted training, scored against the simulation's ground truth
 * (`ground-truth.json` of a `generate --position-bias` dataset) instead of the biased log. Per seed:
 * one random 75/25 split by item of the naive positives; implicit ALS fitted on its training part
 * twice — with the logged confidences (naive) and with every position-logged event weighted by
 * 1/θ̂ₚ (IPS, the same training pairs) — and popularity for reference. Each test user's top k
 * (training items removed) is scored by
 *
 * - true nDCG@k: graded gain = the item's true relevance (the probability of engaging once looked
 *   at), ideal = the user's k most relevant items outside their training items;
 * - mean true relevance of the recommended slots;
 * - logged nDCG@k: the usual protocol on the held-out part of the biased log (what an offline
 *   evaluation without ground truth would report);
 * - popularity bias: mean training popularity of a recommended item (share of training users),
 *   long-tail share and coverage (`shared/metrics/long-tail-metrics.ts`), catalogue coverage.
 *
 * The estimated examination curve is reported beside the true one.
 */
import { catalogCoverage } from "../../shared/metrics/catalog-coverage";
import { longTailMetrics } from "../../shared/metrics/long-tail-metrics";
import { rankingMetrics } from "../../shared/metrics/ranking-metrics";
import { gradedNdcgAtK } from "../../shared/metrics/ndcg-at-k";
import type { Dataset } from "../data/dataset";
import { type InteractionMatrix, rowIndices, selectEntries } from "../data/interaction-matrix";
import { meanStd } from "../evaluate/seed-summary";
import { IMPLICIT_ALS_DEFAULTS, type ImplicitAlsOptions } from "../models/implicit-als";
import { createRecommender } from "../models/model-spec";
import type { Recommender } from "../models/recommender";
import { withNegatives } from "../split/interaction-split";
import { stratifiedRandomSplit } from "../split/stratified-random-split";
import { type DemoGroundTruth, trueRelevance } from "./ground-truth";
import { withInversePropensity } from "./inverse-propensity";
import { type PositionPropensity, type PositionPropensityOptions, propensityAt } from "./position-propensity";

/** Options of {@link biasReport}. */
export interface BiasReportOptions {
  /** Split and model seeds. */
  seeds: readonly number[];
  /** Cut-off. */
  k: number;
  /** ALS hyperparameters, the same for both fits. */
  als: Partial<Omit<ImplicitAlsOptions, "seed" | "onIteration">>;
  /** Propensity estimation and clipping. */
  propensity: Partial<PositionPropensityOptions>;
}

/** Defaults: seeds 42–44, k = 10, ALS 32 factors, λ 10, α 2, 15 iterations (`train`'s default). */
export const BIAS_REPORT_DEFAULTS = {
  seeds: [42, 43, 44],
  k: 10,
  als: { factors: IMPLICIT_ALS_DEFAULTS.factors, regularization: IMPLICIT_ALS_DEFAULTS.regularization, alpha: IMPLICIT_ALS_DEFAULTS.alpha },
  propensity: {},
} as const satisfies BiasReportOptions;

/** The variants compared, in table order. */
export const BIAS_VARIANTS = ["popularity", "als naive", "als ips"] as const;
export type BiasVariant = (typeof BIAS_VARIANTS)[number];

/** The columns of each variant. */
export interface BiasMetrics {
  trueNdcg: number;
  trueRelevance: number;
  loggedNdcg: number;
  popularity: number;
  longTailShare: number;
  longTailCoverage: number;
  coverage: number;
}

/** What {@link biasReport} returns. */
export interface BiasReport {
  k: number;
  seeds: number[];
  /** Per position: the true θₚ, the estimate and the randomised impressions behind it. */
  examination: { position: number; truth: number; estimate: number; impressions: number }[];
  eta: { truth: number; estimate: number };
  /** Mean and sample std over seeds, per variant and metric. */
  variants: Record<BiasVariant, Record<keyof BiasMetrics, { mean: number; std: number }>>;
  /** IPS − naive within each seed (mean, std over seeds). */
  ipsGain: Record<keyof BiasMetrics, { mean: number; std: number }>;
  testUsers: number[];
}

/** Runs the comparison on `dataset` (a position-biased demo) against its ground truth. */
export function biasReport(dataset: Dataset, truth: DemoGroundTruth, options: Partial<BiasReportOptions> = {}): BiasReport {
  const opts = { ...BIAS_REPORT_DEFAULTS, ...options } satisfies BiasReportOptions;
  const { dataset: weighted, propensity } = withInversePropensity(dataset, opts.propensity);
  const relevanceOf = relevanceLookup(dataset, truth);
  const perSeed: Record<BiasVariant, BiasMetrics>[] = [];
  const testUsers: number[] = [];
  for (const seed of opts.seeds) {
    const split = withNegatives(stratifiedRandomSplit(dataset.interactions, { seed }), dataset.negatives, "train");
    const ipsTrain = samePairs(weighted.interactions, split.train);
    const fitAls = (train: InteractionMatrix, negatives: InteractionMatrix | undefined): Recommender => {
      const model = createRecommender({ model: "implicit-als", options: { ...opts.als, seed } });
      model.fit(train, negatives);
      return model;
    };
    const popularity = createRecommender({ model: "popularity" });
    popularity.fit(split.train);
    const models: Record<BiasVariant, Recommender> = {
      popularity,
      "als naive": fitAls(split.train, split.trainNegatives),
      "als ips": fitAls(ipsTrain, weighted.negatives),
    };
    const row = {} as Record<BiasVariant, BiasMetrics>;
    for (const variant of BIAS_VARIANTS) row[variant] = scoreLists(models[variant], split, relevanceOf, opts.k);
    perSeed.push(row);
    testUsers.push(split.testUsers.length);
  }
  const metrics = Object.keys(perSeed[0]!["als naive"]) as (keyof BiasMetrics)[];
  const summarise = (values: (row: Record<BiasVariant, BiasMetrics>) => number) => meanStd(perSeed.map(values));
  const variants = Object.fromEntries(
    BIAS_VARIANTS.map((variant) => [variant, Object.fromEntries(metrics.map((m) => [m, summarise((row) => row[variant][m])]))]),
  ) as BiasReport["variants"];
  const ipsGain = Object.fromEntries(
    metrics.map((m) => [m, summarise((row) => row["als ips"][m] - row["als naive"][m])]),
  ) as BiasReport["ipsGain"];
  return {
    k: opts.k,
    seeds: [...opts.seeds],
    examination: examinationRows(truth, propensity),
    eta: { truth: truth.examination.eta, estimate: propensity.eta },
    variants,
    ipsGain,
    testUsers,
  };
}

function examinationRows(truth: DemoGroundTruth, propensity: PositionPropensity): BiasReport["examination"] {
  return truth.examination.curve.map((theta, position) => ({
    position,
    truth: theta,
    estimate: propensityAt(propensity, position),
    impressions: propensity.impressions[position] ?? 0,
  }));
}

/** The entries of `weighted` whose (user, item) pair is in `pairs` (IPS confidences on the naive split). */
function samePairs(weighted: InteractionMatrix, pairs: InteractionMatrix): InteractionMatrix {
  const keep = new Uint8Array(weighted.indices.length);
  for (let u = 0; u < weighted.rows; u++) {
    const wanted = new Set(rowIndices(pairs, u));
    for (let e = weighted.indptr[u]!; e < weighted.indptr[u + 1]!; e++) if (wanted.has(weighted.indices[e]!)) keep[e] = 1;
  }
  return selectEntries(weighted, keep);
}

/** True relevance of every dataset item for a dataset user (lazily per user; the truth is keyed by id). */
function relevanceLookup(dataset: Dataset, truth: DemoGroundTruth): (user: number) => Float64Array {
  const tasteById = new Map(truth.users.map((u) => [u.user_id, u.taste]));
  const truthItem = new Map(truth.items.map((item, i) => [item.item_id, i]));
  const itemMap = Int32Array.from(dataset.items.items, (item) => truthItem.get(item.id) ?? -1);
  const userIds = dataset.users.ids.ids;
  return (user) => {
    const taste = tasteById.get(userIds[user]!);
    if (!taste) throw new Error(`ground truth has no user "${userIds[user]}"`);
    const relevance = trueRelevance(truth, taste);
    return Float64Array.from(itemMap, (i) => (i >= 0 ? relevance[i]! : 0));
  };
}

function scoreLists(
  model: Recommender,
  split: ReturnType<typeof stratifiedRandomSplit>,
  relevanceOf: (user: number) => Float64Array,
  k: number,
): BiasMetrics {
  const predictions = new Map<number, Int32Array>();
  const held = new Map<number, Set<number>>();
  let trueNdcg = 0;
  let relevanceSum = 0;
  let slots = 0;
  for (const user of split.testUsers) {
    const exclude = rowIndices(split.train, user);
    const list = Int32Array.from(model.recommend(user, k, exclude), (r) => r.index);
    predictions.set(user, list);
    held.set(user, new Set(rowIndices(split.test, user)));
    const relevance = relevanceOf(user);
    const excluded = new Set(exclude);
    const gains = Array.from(list, (i) => relevance[i]!);
    trueNdcg += gradedNdcgAtK(
      gains,
      Array.from(relevance).filter((_, i) => !excluded.has(i)),
      k,
    );
    for (const gain of gains) relevanceSum += gain;
    slots += gains.length;
  }
  const users = split.testUsers.length;
  const itemUsers = new Int32Array(split.train.cols);
  for (let e = 0; e < split.train.indices.length; e++) itemUsers[split.train.indices[e]!]!++;
  let trainUsers = 0;
  for (let u = 0; u < split.train.rows; u++) if (split.train.indptr[u + 1]! > split.train.indptr[u]!) trainUsers++;
  let trainItems = 0;
  for (const n of itemUsers) if (n > 0) trainItems++;
  let popularity = 0;
  for (const list of predictions.values()) for (const item of list) popularity += itemUsers[item]! / trainUsers;
  const longTail = longTailMetrics(predictions.values(), itemUsers);
  return {
    trueNdcg: users > 0 ? trueNdcg / users : 0,
    trueRelevance: slots > 0 ? relevanceSum / slots : 0,
    loggedNdcg: rankingMetrics(predictions, held, k).ndcg,
    popularity: slots > 0 ? popularity / slots : 0,
    longTailShare: longTail.share,
    longTailCoverage: longTail.coverage,
    coverage: catalogCoverage(predictions.values(), trainItems),
  };
}
