/**
 * The `train` command: load → chronological split → ALS on the training part (diagnostics and
 * ranker candidates) → logistic ranker → ALS on all data (serving vectors) → artifacts.
 */
import { join, resolve } from "node:path";
import { loadDataset } from "../data/load-dataset";
import { nonZeroCount } from "../data/interaction-matrix";
import { evaluateRetrieval, type RetrievalQuality } from "../evaluate/evaluate-retrieval";
import { writeArtifacts, type ArtifactSummary } from "../export/write-artifacts";
import { ImplicitAls, type ImplicitAlsOptions } from "../models/implicit-als";
import { Popularity } from "../models/popularity";
import { trainLinearRanker, type LinearRankerReport } from "../ranking/train-linear-ranker";
import { chronologicalSplit } from "../split/chronological-split";
import { ProgressLog, type LineWriter } from "./progress-log";

/** Options of {@link runTrain}. */
export interface TrainCommandOptions {
  /** Dataset folder. */
  data: string;
  /** Artifacts folder (default `artifacts/<dataset name>`). */
  out?: string;
  als: Partial<ImplicitAlsOptions>;
  /** Seed for the ranker's sampling and fit. */
  seed: number;
  /** Artifact creation time (default: now). */
  createdAt?: Date;
}

/** Runs the whole training command; returns the artifact summary. */
export async function runTrain(options: TrainCommandOptions, write?: LineWriter): Promise<ArtifactSummary> {
  const log = new ProgressLog("train", write);
  const dataset = await log.step(
    `loaded ${resolve(options.data)}`,
    () => loadDataset(options.data),
    (d) =>
      `"${d.name}" (${d.format}): ${d.items.ids.size} items, ${d.users.ids.size} users, ` +
      `${d.events.length} events, ${nonZeroCount(d.interactions)} positive user-item pairs`,
  );
  if (dataset.issues.count > 0) for (const line of dataset.issues.format().split("\n")) log.info(line);
  if (nonZeroCount(dataset.interactions) === 0) throw new Error("the dataset has no positive interactions");

  const split = await log.step(
    "chronological split",
    () => chronologicalSplit(dataset.interactions),
    (s) => `${nonZeroCount(s.train)} train / ${nonZeroCount(s.test)} held-out pairs, ${s.testUsers.length} test users`,
  );
  const alsOptions = { seed: options.seed, ...options.als };
  const splitAls = new ImplicitAls(alsOptions);
  await log.step("fit ALS on the training split", () => splitAls.fit(split.train));
  const popularity = new Popularity();
  popularity.fit(split.train);
  const retrievalAls = evaluateRetrieval(splitAls, split);
  const retrievalPopularity = evaluateRetrieval(popularity, split);
  log.info(`retrieval@10  ALS ${describeRetrieval(retrievalAls)}`);
  log.info(`retrieval@10  popularity ${describeRetrieval(retrievalPopularity)}`);

  const { model: ranker, report } = await log.step(
    "train logistic ranker",
    () => trainLinearRanker({ retrieval: splitAls, split, catalog: dataset.items }, { seed: options.seed }),
    (r) => `${r.report.fitRows} rows (${r.report.fitPositives} positive) from ${r.report.fitUsers} users`,
  );
  for (const line of describeRanker(report)) log.info(line);

  const servingAls = new ImplicitAls(alsOptions);
  await log.step("fit ALS on all data (serving vectors)", () => servingAls.fit(dataset.interactions));

  const out = options.out ?? join("artifacts", dataset.name);
  const summary = await log.step(
    `wrote ${resolve(out)}`,
    () =>
      writeArtifacts(
        out,
        {
          dataset,
          retrieval: servingAls,
          ranker,
          metrics: manifestMetrics(retrievalAls, retrievalPopularity, report),
        },
        options.createdAt ? { createdAt: options.createdAt } : {},
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
  ];
}

function manifestMetrics(
  als: RetrievalQuality,
  popularity: RetrievalQuality,
  ranker: LinearRankerReport,
): Record<string, number> {
  const round = (x: number) => Number(x.toFixed(6));
  const metrics: Record<string, number> = {
    "als_ndcg@10": round(als.ndcg),
    "als_recall@10": round(als.recall),
    "als_hit_rate@10": round(als.hitRate),
    "popularity_ndcg@10": round(popularity.ndcg),
    "popularity_recall@10": round(popularity.recall),
    ranker_auc: round(ranker.ranker.auc),
    retrieval_order_auc: round(ranker.retrieval.auc),
    [`ranker_ndcg@${ranker.k}`]: round(ranker.ranker.ndcg),
    [`retrieval_order_ndcg@${ranker.k}`]: round(ranker.retrieval.ndcg),
    candidate_recall: round(ranker.candidateRecall),
  };
  return Object.fromEntries(Object.entries(metrics).filter(([, value]) => Number.isFinite(value)));
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
