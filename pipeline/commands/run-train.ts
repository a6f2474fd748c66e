/**
 * The `train` command: load → choose the serving model (the `serving_model` of an evaluation
 * report with its tuned hyperparameters, else implicit ALS with the given options) →
 * chronological split → serving model on the training part (diagnostics and ranker candidates) →
 * logistic ranker → serving model on all data (the published vectors) → fold-in parameters for
 * the edge's session updates → artifacts (with the content encoder fitted on the served item
 * vectors, so new items land in the space the edge serves).
 */
import { access, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { lakeSourceFrom } from "../data/lake/lake-source-from";
import { loadDataset } from "../data/load-dataset";
import { readEventWeights } from "../data/read-event-weights";
import { nonZeroCount, type InteractionMatrix } from "../data/interaction-matrix";
import { evaluateRetrieval, type RetrievalQuality } from "../evaluate/evaluate-retrieval";
import { planEntry, withSeed } from "../evaluate/evaluation-plan";
import type { EvaluationReport, ServingDescription } from "../evaluate/evaluation-report";
import { describeServing, isServable } from "../evaluate/serving-model";
import { calibrateFoldIn, foldInFidelity, type FoldInFit } from "../export/fold-in-calibration";
import { writeArtifacts, type ArtifactSummary } from "../export/write-artifacts";
import type { Recommender } from "../models/recommender";
import { contentEncoderKv } from "../export/content-encoder-kv";
import { IMPLICIT_ALS_DEFAULTS, type ImplicitAlsOptions } from "../models/implicit-als";
import { createRecommender, type ModelSpec } from "../models/model-spec";
import { Popularity } from "../models/popularity";
import { objectiveLabels } from "../ranking/objective-labels";
import { trainLinearRanker, type LinearRankerReport } from "../ranking/train-linear-ranker";
import { chronologicalSplit } from "../split/chronological-split";
import { withNegatives } from "../split/interaction-split";
import { ProgressLog, type LineWriter } from "./progress-log";
import type { PositionPropensityOptions } from "../bias/position-propensity";
import { describePropensity, withInversePropensity } from "../bias/inverse-propensity";

/** Options of {@link runTrain}. */
export interface TrainCommandOptions {
  /** Dataset folder. */
  data: string;
  /** Artifacts folder (default `artifacts/<dataset name>`). */
  out?: string;
  /**
   * Evaluation report whose `serving_model` (and tuned hyperparameters) to train; default:
   * `<out>/evaluation.json` when it exists, else implicit ALS with `als`.
   */
  evaluation?: string;
  /** ALS options used when no evaluation report names the serving model. */
  als: Partial<ImplicitAlsOptions>;
  /** Seed for the models and the ranker's sampling and fit. */
  seed: number;
  /** Artifact creation time (default: now). */
  createdAt?: Date;
  /** Event lake to merge into the dataset (`local`, a Worker URL or a folder; pipeline/data/lake/lake-source-from.ts). */
  lake?: string;
  /** Event-weight table file (`--event-weights`; default: the dataset format's, data/dataset-event-weights.ts). */
  eventWeights?: string;
  /** Inverse propensity weighting of position-logged events (`--ips`; absent: off), bias/inverse-propensity.ts. */
  ips?: Partial<PositionPropensityOptions>;
}

/** Runs the whole training command; returns the artifact summary. */
export async function runTrain(options: TrainCommandOptions, write?: LineWriter): Promise<ArtifactSummary> {
  const log = new ProgressLog("train", write);
  const eventWeights = options.eventWeights !== undefined ? await readEventWeights(options.eventWeights) : undefined;
  const loaded = await log.step(
    `loaded ${resolve(options.data)}`,
    () =>
      loadDataset(options.data, {
        ...(options.lake !== undefined ? { lake: lakeSourceFrom(options.lake) } : {}),
        ...(eventWeights ? { eventWeights } : {}),
      }),
    (d) =>
      `"${d.name}" (${d.format}${options.lake !== undefined ? ` + event lake ${options.lake}` : ""}): ${d.items.ids.size} items, ${d.users.ids.size} users, ` +
      `${d.events.length} events, ${nonZeroCount(d.interactions)} positive and ${nonZeroCount(d.negatives)} negative user-item pairs ` +
      `(event weights: ${d.eventWeights.source})`,
  );
  for (const line of loaded.issues.format().split("\n").filter(Boolean)) log.info(line);
  const weighted = options.ips ? withInversePropensity(loaded, options.ips) : undefined;
  if (weighted) log.info(`inverse propensity weighting: ${describePropensity(weighted.propensity)}`);
  const dataset = weighted?.dataset ?? loaded;
  if (nonZeroCount(dataset.interactions) === 0) throw new Error("the dataset has no positive interactions");
  const out = options.out ?? join("artifacts", dataset.name);

  const serving = await servingModel(options, out, dataset.name, log);
  const label = serving.spec.model === "implicit-als" ? "ALS" : serving.model;
  log.info(`serving model: ${serving.model} (${serving.dimensions}-d vectors; ${serving.how})`);

  const split = await log.step(
    "chronological split",
    () => withNegatives(chronologicalSplit(dataset.interactions), dataset.negatives, "by-time"),
    (s) =>
      `${nonZeroCount(s.train)} train / ${nonZeroCount(s.test)} held-out pairs, ${s.testUsers.length} test users; ` +
      `negatives ${s.trainNegatives ? nonZeroCount(s.trainNegatives) : 0} train / ${s.testNegatives ? nonZeroCount(s.testNegatives) : 0} held out`,
  );
  const splitModel = createRecommender(serving.spec);
  await log.step(`fit ${label} on the training split`, () => splitModel.fit(split.train, split.trainNegatives));
  const popularity = new Popularity();
  popularity.fit(split.train);
  const retrieval = evaluateRetrieval(splitModel, split);
  const retrievalPopularity = evaluateRetrieval(popularity, split);
  log.info(`retrieval@10  ${label} ${describeRetrieval(retrieval)}`);
  log.info(`retrieval@10  popularity ${describeRetrieval(retrievalPopularity)}`);

  const {
    model: ranker,
    mlp: mlpRanker,
    report,
  } = await log.step(
    "train rankers (logistic, multi-objective MLP)",
    () =>
      trainLinearRanker(
        {
          retrieval: splitModel,
          split,
          catalog: dataset.items,
          profiles: dataset.users.profiles,
          objectives: objectiveLabels(dataset.events, dataset.items.items.length),
        },
        { seed: options.seed },
      ),
    (r) =>
      `${r.report.fitRows} rows (${r.report.fitPositives} positive, ${r.report.fitRejected} rejected by the user) from ${r.report.fitUsers} users`,
  );
  for (const line of describeRanker(report)) log.info(line);

  const servingFit = createRecommender(serving.spec);
  await log.step(`fit ${label} on all data (serving vectors)`, () => servingFit.fit(dataset.interactions, dataset.negatives));
  const foldIn = await log.step(
    "fold-in parameters",
    () => foldInParameters(serving.spec, servingFit, dataset.interactions, dataset.negatives),
    (f) => `λ ${f.regularization}, α ${f.alpha}; cosine to the published user vectors ${f.meanCosine} over ${f.users} users`,
  );

  const summary = await log.step(
    `wrote ${resolve(out)}`,
    () =>
      writeArtifacts(
        out,
        {
          dataset,
          retrieval: servingFit,
          ranker,
          ...(mlpRanker ? { mlpRanker } : {}),
          serving,
          foldIn,
          extraKv: contentEncoderKv(dataset.items, (line) => log.info(line)),
          metrics: { ...manifestMetrics(retrieval, retrievalPopularity, report), fold_in_cosine: foldIn.meanCosine },
          featureDistribution: report.featureDistribution,
        },
        {
          versionPrefix: versionPrefix(serving),
          ...(options.createdAt ? { createdAt: options.createdAt } : {}),
        },
      ),
    (s) => s.manifest.modelVersion,
  );
  const sizes = Object.entries(summary.bytes)
    .map(([file, bytes]) => `${file} ${formatBytes(bytes)}`)
    .join(", ");
  log.info(`${sizes}; ${summary.kvEntries} KV entries, ${summary.manifest.counts.users} user records`);
  log.info(`done in ${log.elapsed()}`);
  return summary;
}

/** The serving model: from an evaluation report when there is one, else ALS with the CLI options. */
async function servingModel(options: TrainCommandOptions, out: string, datasetName: string, log: ProgressLog): Promise<ServingDescription> {
  const reportPath = options.evaluation ?? join(out, "evaluation.json");
  const explicit = options.evaluation !== undefined;
  if (explicit || (await exists(reportPath))) {
    const report = JSON.parse(await readFile(reportPath, "utf8")) as EvaluationReport;
    if (!report.plan || !report.serving_model) throw new Error(`${reportPath} is not an evaluation report (no plan / serving_model)`);
    const spec = withSeed(planEntry(report.plan, report.serving_model).spec, options.seed);
    if (!isServable(spec)) throw new Error(`${report.serving_model} in ${reportPath} has no vectors to serve`);
    if (report.dataset !== datasetName) log.info(`note: ${reportPath} evaluated "${report.dataset}", training "${datasetName}"`);
    log.info(`serving model and hyperparameters from ${reportPath}`);
    return describeServing(report.serving_model, spec);
  }
  const spec: ModelSpec = { model: "implicit-als", options: { ...IMPLICIT_ALS_DEFAULTS, seed: options.seed, ...options.als } };
  return describeServing("implicit-als", spec);
}

/** The trained λ and α for ALS (exact); calibrated ones for a factorised model (approximate). */
function foldInParameters(spec: ModelSpec, model: Recommender, interactions: InteractionMatrix, negatives: InteractionMatrix): FoldInFit {
  if (!model.factors) throw new Error(`${model.name} has no vectors`);
  if (spec.model === "implicit-als") {
    const { regularization, alpha } = { ...IMPLICIT_ALS_DEFAULTS, ...spec.options };
    return foldInFidelity(model.factors, interactions, { regularization, alpha }, { negatives });
  }
  return calibrateFoldIn(model.factors, interactions, { negatives });
}

/** `als` for ALS (as before), else a slug of the serving key (`ease-implicit-als-32d`). */
function versionPrefix(serving: ServingDescription): string {
  if (serving.spec.model === "implicit-als") return "als";
  return serving.model
    .replace(/[^A-Za-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")
    .toLowerCase();
}

function describeRetrieval(q: RetrievalQuality): string {
  return `nDCG ${q.ndcg.toFixed(4)}  recall ${q.recall.toFixed(4)}  hit-rate ${q.hitRate.toFixed(4)}  (${q.users} users)`;
}

function describeRanker(r: LinearRankerReport): string[] {
  const lift = (a: number, b: number) => (b > 0 ? `${a >= b ? "+" : ""}${(((a - b) / b) * 100).toFixed(1)}%` : "n/a");
  return [
    `ranker on ${r.evaluationUsers} held-back users, top-100 candidates hold ${(r.candidateRecall * 100).toFixed(1)}% of held-out items`,
    `  per-user AUC  ranker ${r.ranker.auc.toFixed(4)}  retrieval order ${r.retrieval.auc.toFixed(4)}`,
    `  nDCG@${r.k}       ranker ${r.ranker.ndcg.toFixed(4)}  retrieval order ${r.retrieval.ndcg.toFixed(4)}  (${lift(r.ranker.ndcg, r.retrieval.ndcg)})`,
    `  recall@${r.k}     ranker ${r.ranker.recall.toFixed(4)}  retrieval order ${r.retrieval.recall.toFixed(4)}  (${lift(r.ranker.recall, r.retrieval.recall)})`,
    r.mlp
      ? `  MLP (${r.objectives.join(", ")}) nDCG@${r.k} ${r.mlp.ndcg.toFixed(4)}, value nDCG ${r.mlp.valueNdcg.toFixed(4)} vs logistic ${r.ranker.valueNdcg.toFixed(4)} (${lift(r.mlp.valueNdcg, r.ranker.valueNdcg)}): the sidecar serves the ${r.chosen === "mlp" ? "MLP" : "logistic ranker"}`
      : `  MLP not trained (${r.mlpSkipped ?? "no data"}): the sidecar serves the logistic ranker`,
  ];
}

function manifestMetrics(retrieval: RetrievalQuality, popularity: RetrievalQuality, ranker: LinearRankerReport): Record<string, number> {
  const round = (x: number) => Number(x.toFixed(6));
  const metrics: Record<string, number> = {
    "retrieval_ndcg@10": round(retrieval.ndcg),
    "retrieval_recall@10": round(retrieval.recall),
    "retrieval_hit_rate@10": round(retrieval.hitRate),
    "popularity_ndcg@10": round(popularity.ndcg),
    "popularity_recall@10": round(popularity.recall),
    ranker_auc: round(ranker.ranker.auc),
    retrieval_order_auc: round(ranker.retrieval.auc),
    [`ranker_ndcg@${ranker.k}`]: round(ranker.ranker.ndcg),
    [`retrieval_order_ndcg@${ranker.k}`]: round(ranker.retrieval.ndcg),
    candidate_recall: round(ranker.candidateRecall),
    ...(ranker.mlp ? { [`mlp_ndcg@${ranker.k}`]: round(ranker.mlp.ndcg), mlp_auc: round(ranker.mlp.auc) } : {}),
  };
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => Number.isFinite(value)));
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
