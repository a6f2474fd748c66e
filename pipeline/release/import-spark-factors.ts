/**
 * Turns factors a Spark MLlib ALS job trained (read-spark-factors.ts; docs/spark-als.md) into an
 * artifacts folder like the one `train` writes, so `release publish --from-factors` publishes it
 * through the same publisher. The dataset (`--data`, optionally with `--lake`, as for `train`)
 * supplies what the factors do not carry: the catalogue's metadata, popular lists, user histories,
 * the ranker's training examples and the fold-in's interactions.
 *
 * 1. the factors are put in the dataset's index space: Spark users and items the dataset does not
 *    know are left out (an item without catalogue metadata cannot be served; a user the dataset
 *    has no events for — never seen, or erased since — gets no record); catalogue items without a
 *    Spark vector get the zero vector, as ALS gives items without interactions; the Spark vector of
 *    a user with an erasure tombstone is discarded whatever the Spark run's date (it may have been
 *    fitted on the erased events);
 * 2. fold-in λ and α are calibrated against the Spark user vectors (Spark's `regParam` is scaled
 *    by each row's rating count, so it is not the edge's λ; fold-in-calibration.ts), and users with
 *    events but no Spark vector (newer than the Spark run, or back after an erasure) get the
 *    fold-in of their history — what the edge would compute for them;
 * 3. the logistic ranker is trained as `train` does, with the imported vectors as its retrieval
 *    model on the chronological split (its held-out events were in Spark's training data, so its
 *    quality is not measured or recorded);
 * 4. writeArtifacts writes the folder (version `spark-als-<time>-<hash>`, `retrievalModel`
 *    `spark-als`, the content encoder fitted on the imported item vectors), plus
 *    `factors-import.json`: where the vectors came from and what was matched, left out or filled.
 */
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { gramMatrix } from "../../shared/math/gram-matrix";
import { foldInUserVector } from "../../shared/realtime/fold-in-user-vector";
import type { IdIndex } from "../data/id-index";
import { type InteractionMatrix, nonZeroCount } from "../data/interaction-matrix";
import type { LakeSource } from "../data/lake/lake-source";
import { lakeSourceFrom } from "../data/lake/lake-source-from";
import { readLakeTombstones } from "../data/lake/read-lake";
import { LoadIssueLog } from "../data/load-issue-log";
import { readErasureTombstones } from "../data/read-erasure-tombstones";
import { loadDataset } from "../data/load-dataset";
import { calibrateFoldIn, type FoldInFit } from "../export/fold-in-calibration";
import { writeArtifacts, type ArtifactSummary } from "../export/write-artifacts";
import { contentEncoderKv } from "../export/content-encoder-kv";
import type { LatentFactors } from "../models/recommender";
import { trainLinearRanker } from "../ranking/train-linear-ranker";
import { chronologicalSplit } from "../split/chronological-split";
import { ProgressLog, type LineWriter } from "../commands/progress-log";
import { ImportedFactorsRecommender } from "./imported-factors-recommender";
import { type FactorTable, readSparkFactors, type SparkAlsMeta } from "./read-spark-factors";

/** The retrieval model name in the manifest and the prefix of the model version. */
export const SPARK_ALS_MODEL = "spark-als";

/** The provenance file written beside the artifacts (and kept with the release). */
export const FACTORS_IMPORT_FILE = "factors-import.json";

/** Options of {@link importSparkFactors}. */
export interface ImportSparkFactorsOptions {
  /** The factors folder (layout in read-spark-factors.ts). */
  factors: string;
  /** Dataset folder: catalogue metadata, popular lists, histories, ranker examples. */
  data: string;
  /** Event lake to merge into the dataset (`local`, a Worker URL or a folder), as `train --lake`. */
  lake?: string;
  /** Artifacts folder (default `artifacts/spark-als/<dataset name>`). */
  out?: string;
  /** Artifact creation time (default: now). */
  createdAt?: Date;
  /** Seed of the ranker's sampling and fit and of the fold-in calibration's users. */
  seed: number;
}

/** Defaults: seed 42, as `train`. */
export const IMPORT_SPARK_FACTORS_DEFAULTS = { seed: 42 } as const satisfies Partial<ImportSparkFactorsOptions>;

/** What `factors-import.json` records. */
export interface FactorsImport {
  /** The factors folder, absolute. */
  source: string;
  /** Files read, relative to it. */
  files: string[];
  meta: SparkAlsMeta;
  dimensions: number;
  users: {
    /** User vectors in the factors folder. */
    factors: number;
    /** Of those, users the dataset knows. */
    matched: number;
    /** Spark users the dataset does not know (no record published). */
    unknown: number;
    /** Spark vectors discarded because the user has an erasure tombstone. */
    erased: number;
    /** Users with events but no Spark vector, given the fold-in of their history. */
    foldedIn: number;
  };
  items: {
    factors: number;
    /** Spark items in the dataset's catalogue (published with their vectors). */
    matched: number;
    /** Spark items not in the catalogue (left out: no metadata). */
    unknown: number;
    /** Catalogue items without a Spark vector (published with the zero vector). */
    zeroVectors: number;
  };
  foldIn: FoldInFit;
}

/** What was written. */
export interface ImportedArtifacts {
  /** The artifacts folder. */
  out: string;
  summary: ArtifactSummary;
  report: FactorsImport;
}

/** Imports the factors in `options.factors` into an artifacts folder; see the file header. */
export async function importSparkFactors(options: ImportSparkFactorsOptions, write?: LineWriter): Promise<ImportedArtifacts> {
  const log = new ProgressLog("release", write);
  const lake = options.lake !== undefined ? lakeSourceFrom(options.lake) : undefined;
  const dataset = await log.step(
    `loaded ${resolve(options.data)}`,
    () => loadDataset(options.data, lake ? { lake } : {}),
    (d) =>
      `"${d.name}" (${d.format}${options.lake !== undefined ? ` + event lake ${options.lake}` : ""}): ${d.items.ids.size} items, ` +
      `${d.users.ids.size} users, ${nonZeroCount(d.interactions)} positive user-item pairs`,
  );
  if (nonZeroCount(dataset.interactions) === 0) throw new Error(`${options.data}: the dataset has no positive interactions`);
  const spark = await log.step(
    `read ${resolve(options.factors)}`,
    () => readSparkFactors(options.factors),
    (f) => `${f.users.ids.length} user and ${f.items.ids.length} item vectors of ${f.dimensions} dimensions from ${f.files.length} files`,
  );
  const d = spark.dimensions;
  const items = alignFactors(spark.items, dataset.items.ids, d);
  const users = alignFactors(spark.users, dataset.users.ids, d);
  if (items.matched === 0) {
    throw new Error(
      `none of the ${spark.items.ids.length} Spark item ids (${sample(spark.items.ids)}) is in the catalogue of ${options.data}: ` +
        "is --data the dataset the Spark job trained on?",
    );
  }
  if (users.matched === 0) {
    throw new Error(
      `none of the ${spark.users.ids.length} Spark user ids (${sample(spark.users.ids)}) is a user of ${options.data}: ` +
        "is --data the dataset the Spark job trained on?",
    );
  }
  log.info(
    `${users.matched} of ${spark.users.ids.length} Spark users and ${items.matched} of ${spark.items.ids.length} Spark items are in "${dataset.name}"`,
  );
  if (items.unknown.length > 0) log.info(`left out ${items.unknown.length} Spark items the catalogue lacks (${sample(items.unknown)})`);
  if (users.unknown.length > 0) log.info(`no records for ${users.unknown.length} Spark users the dataset lacks (${sample(users.unknown)})`);
  let erased = 0;
  for (const userId of await erasedUsers(options.data, lake)) {
    const u = dataset.users.ids.indexOf(userId);
    if (u < 0 || !users.has[u]) continue;
    users.vectors.fill(0, u * d, (u + 1) * d);
    users.has[u] = 0;
    erased++;
  }
  if (erased > 0) log.info(`discarded the Spark vectors of ${erased} users erased since (tombstones)`);
  const zeroVectors = dataset.items.ids.size - items.matched;
  if (zeroVectors > 0) log.info(`${zeroVectors} catalogue items have no Spark vector: published with the zero vector`);

  const factors: LatentFactors = { dimensions: d, users: users.vectors, items: items.vectors };
  const foldIn = await log.step(
    "fold-in parameters",
    () => calibrateFoldIn(factors, dataset.interactions, { seed: options.seed }),
    (f) => `λ ${f.regularization}, α ${f.alpha}; cosine to the Spark user vectors ${f.meanCosine} over ${f.users} users`,
  );
  const foldedIn = foldInMissingUsers(factors, users.has, dataset.interactions, foldIn);
  if (foldedIn > 0) log.info(`${foldedIn} users with events but no Spark vector: the fold-in of their history`);

  const retrieval = new ImportedFactorsRecommender(SPARK_ALS_MODEL, factors);
  const split = chronologicalSplit(dataset.interactions);
  const { model: ranker, report: rankerReport } = await log.step(
    "train logistic ranker on the imported vectors",
    () => trainLinearRanker({ retrieval, split, catalog: dataset.items, profiles: dataset.users.profiles }, { seed: options.seed }),
    (r) => `${r.report.fitRows} rows (${r.report.fitPositives} positive) from ${r.report.fitUsers} users`,
  );
  log.info(
    `  (the held-out events were in Spark's training data: the ranker's quality is not measured; ${rankerReport.evaluationUsers} users held back)`,
  );

  const name = spark.meta.dataset ?? dataset.name;
  if (name !== dataset.name) log.info(`note: the factors were trained on "${name}"; metadata and popularity come from "${dataset.name}"`);
  const out = options.out ?? join("artifacts", SPARK_ALS_MODEL, dataset.name);
  const metrics = Object.fromEntries(
    Object.entries({ ...spark.meta.metrics, fold_in_cosine: foldIn.meanCosine }).filter(([, value]) => Number.isFinite(value)),
  );
  const summary = await log.step(
    `wrote ${resolve(out)}`,
    () =>
      writeArtifacts(
        out,
        {
          dataset: { ...dataset, name },
          retrieval,
          ranker,
          foldIn,
          extraKv: contentEncoderKv(dataset.items, (line) => log.info(line)),
          metrics,
          featureDistribution: rankerReport.featureDistribution,
        },
        { versionPrefix: SPARK_ALS_MODEL, ...(options.createdAt ? { createdAt: options.createdAt } : {}) },
      ),
    (s) => `${s.manifest.modelVersion}: ${s.manifest.counts.items} items, ${s.manifest.counts.users} user records`,
  );
  const report: FactorsImport = {
    source: resolve(options.factors),
    files: spark.files,
    meta: spark.meta,
    dimensions: d,
    users: { factors: spark.users.ids.length, matched: users.matched, unknown: users.unknown.length, erased, foldedIn },
    items: { factors: spark.items.ids.length, matched: items.matched, unknown: items.unknown.length, zeroVectors },
    foldIn,
  };
  await writeFile(
    join(out, FACTORS_IMPORT_FILE),
    `${JSON.stringify({ modelVersion: summary.manifest.modelVersion, ...report }, null, 2)}\n`,
  );
  return { out, summary, report };
}

/** Users with an erasure tombstone in the dataset folder or the lake. */
async function erasedUsers(data: string, lake: LakeSource | undefined): Promise<Set<string>> {
  const erased = new Set((await readErasureTombstones(data)).keys());
  if (lake) for (const userId of (await readLakeTombstones(lake, new LoadIssueLog())).keys()) erased.add(userId);
  return erased;
}

/** One side's factors in a dataset's index space: rows of unknown indices stay zero. */
interface AlignedFactors {
  vectors: Float32Array;
  /** 1 where the row came from the factors. */
  has: Uint8Array;
  matched: number;
  /** Factor ids the dataset does not know. */
  unknown: string[];
}

function alignFactors(table: FactorTable, index: IdIndex, d: number): AlignedFactors {
  const vectors = new Float32Array(index.size * d);
  const has = new Uint8Array(index.size);
  const unknown: string[] = [];
  let matched = 0;
  for (let row = 0; row < table.ids.length; row++) {
    const at = index.indexOf(table.ids[row]!);
    if (at < 0) {
      unknown.push(table.ids[row]!);
      continue;
    }
    vectors.set(table.vectors.subarray(row * d, (row + 1) * d), at * d);
    has[at] = 1;
    matched++;
  }
  return { vectors, has, matched, unknown };
}

/** Writes the fold-in of their history into the rows of users with events but no imported vector; returns how many. */
function foldInMissingUsers(factors: LatentFactors, has: Uint8Array, interactions: InteractionMatrix, foldIn: FoldInFit): number {
  const k = factors.dimensions;
  const gram = Array.from(gramMatrix(factors.items, factors.items.length / k, k));
  const parameters = { dimensions: k, gram, regularization: foldIn.regularization, alpha: foldIn.alpha };
  let filled = 0;
  for (let u = 0; u < has.length; u++) {
    if (has[u]) continue;
    const history = [];
    for (let e = interactions.indptr[u]!; e < interactions.indptr[u + 1]!; e++) {
      const item = interactions.indices[e]!;
      history.push({ vector: factors.items.subarray(item * k, (item + 1) * k), weight: interactions.confidence[e]! });
    }
    const folded = history.length > 0 ? foldInUserVector(parameters, history) : null;
    if (!folded) continue;
    factors.users.set(folded, u * k);
    filled++;
  }
  return filled;
}

/** The first few of `ids`, for messages. */
function sample(ids: readonly string[]): string {
  const shown = ids.slice(0, 3).map((id) => JSON.stringify(id));
  return ids.length > 3 ? `${shown.join(", ")}, …` : shown.join(", ");
}
