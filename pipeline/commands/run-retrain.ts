/**
 * `npm run pipeline -- retrain --local|--remote [--force]`: the loop's one command.
 *
 * 1. reads the dataset the releases are trained on (`--data`, default data/demo) merged with the
 *    event lake of the target (what the edge logged; pipeline/data/lake/);
 * 2. compares a challenger with the serving release on the most recent slice of events — everything
 *    users discovered after the serving release was trained (a global time cut at its manifest's
 *    `createdAt`; pipeline/split/time-cut-split.ts): the serving release is scored as published
 *    (its user and item vectors, its popular list for users it lacks), the challenger is the same
 *    recipe as `train` fitted on the events before the cut; same retrieval metrics as `evaluate`
 *    (nDCG@10, recall@10, hit rate) over the users with events on both sides;
 * 3. refuses to publish when the challenger's nDCG@10 is below the serving release's by more than
 *    `tolerance` (relative, default 5 %), or when fewer than `minUsers` users can be compared —
 *    unless `--force`;
 * 4. trains the challenger on everything (`train`), publishes it as a release and flips to it (or
 *    starts it as a canary), writes the comparison to `<release folder>/retrain-report.json`, and
 *    prints the new release id.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";
import { loadDataset } from "../data/load-dataset";
import { readEventWeights } from "../data/read-event-weights";
import { lakeSourceFrom } from "../data/lake/lake-source-from";
import { nonZeroCount } from "../data/interaction-matrix";
import { evaluateRetrieval, type RetrievalQuality } from "../evaluate/evaluate-retrieval";
import { IMPLICIT_ALS_DEFAULTS } from "../models/implicit-als";
import { createRecommender } from "../models/model-spec";
import { publishRelease } from "../release/publish-release";
import type { ReleaseClient } from "../release/release-client";
import { loadReleaseRecommender } from "../release/release-recommender";
import { withNegatives } from "../split/interaction-split";
import { timeCutSplit, timeQuantile } from "../split/time-cut-split";
import { ProgressLog, type LineWriter } from "./progress-log";
import { DEFAULT_RELEASES_DIR } from "./run-release";
import { runTrain } from "./run-train";
import { isFile } from "../data/file-kind";

/** Options of {@link runRetrain}. */
export interface RetrainCommandOptions {
  client: ReleaseClient;
  /** The event lake of the target (`local` or the Worker's URL; lake-source-from.ts). */
  lake: string;
  /** The dataset folder the releases are trained on. */
  data: string;
  /** Publish whatever the comparison says. */
  force: boolean;
  /** Largest relative nDCG@10 loss accepted (0.05 = the challenger may be 5 % below). */
  tolerance: number;
  /** Fewest comparable users for a verdict. */
  minUsers: number;
  /** Serve the new release to this share of users first. */
  canary?: number;
  releasesDir?: string;
  /** Where the challenger's artifacts are written (default artifacts/candidates/<time>). */
  out?: string;
  seed: number;
  /** Event-weight table file (`--event-weights`), used for the comparison and the training alike. */
  eventWeights?: string;
}

/** Defaults: 5 % tolerance, at least 20 users, seed 42. */
export const RETRAIN_DEFAULTS = { force: false, tolerance: 0.05, minUsers: 20, seed: 42 } as const;

/** What `retrain` compared and decided (also written beside the new release). */
export interface RetrainReport {
  serving_release: string | null;
  cut: string;
  users: number;
  serving: RetrievalQuality | null;
  challenger: RetrievalQuality;
  tolerance: number;
  verdict: "publish" | "publish_forced" | "refused";
  reason: string;
  release?: string;
}

/** Runs the retrain; returns the report (the new release id in `release` when one was published). */
export async function runRetrain(options: RetrainCommandOptions, write?: LineWriter): Promise<RetrainReport> {
  const log = new ProgressLog("retrain", write);
  const releasesDir = options.releasesDir ?? DEFAULT_RELEASES_DIR;
  const { pointer } = await options.client.list();
  const serving = pointer?.current ?? null;
  const servingFolder = serving ? join(releasesDir, serving) : null;
  const servingKept = servingFolder !== null && (await isFile(join(servingFolder, "manifest.json")));
  if (serving && !servingKept) log.info(`the serving release ${serving} is not kept in ${releasesDir}: it cannot be scored here`);

  const eventWeights = options.eventWeights !== undefined ? await readEventWeights(options.eventWeights) : undefined;
  const dataset = await log.step(
    `loaded ${options.data} + the event lake (${options.lake})`,
    () => loadDataset(options.data, { lake: lakeSourceFrom(options.lake), ...(eventWeights ? { eventWeights } : {}) }),
    (d) =>
      `${d.users.ids.size} users, ${d.events.length} events, ${nonZeroCount(d.interactions)} positive and ` +
      `${nonZeroCount(d.negatives)} negative pairs (event weights: ${d.eventWeights.source})`,
  );
  for (const note of dataset.issues.notes) log.info(note);

  const servingManifest = servingKept ? (JSON.parse(await readFile(join(servingFolder!, "manifest.json"), "utf8")) as ModelManifest) : null;
  const cut = servingManifest ? Date.parse(servingManifest.createdAt) : timeQuantile(dataset.interactions, 0.9);
  const split = withNegatives(timeCutSplit(dataset.interactions, cut), dataset.negatives, "by-time");
  log.info(
    `most recent slice: discovered after ${new Date(cut).toISOString()}: ${nonZeroCount(split.test)} pairs, ${split.testUsers.length} users to compare`,
  );

  const challengerModel = createRecommender({ model: "implicit-als", options: { ...IMPLICIT_ALS_DEFAULTS, seed: options.seed } });
  await log.step("fit the challenger on the events before the cut", () => challengerModel.fit(split.train, split.trainNegatives));
  const challenger = evaluateRetrieval(challengerModel, split);
  const servingQuality = servingManifest
    ? evaluateRetrieval(await loadReleaseRecommender(servingFolder!, dataset.users.ids, dataset.items.ids), split)
    : null;
  log.info(
    `challenger  nDCG@10 ${challenger.ndcg.toFixed(4)}  recall@10 ${challenger.recall.toFixed(4)}  hit rate ${challenger.hitRate.toFixed(4)}`,
  );
  if (servingQuality) {
    log.info(
      `serving     nDCG@10 ${servingQuality.ndcg.toFixed(4)}  recall@10 ${servingQuality.recall.toFixed(4)}  hit rate ${servingQuality.hitRate.toFixed(4)}  (${serving})`,
    );
  }

  const { verdict, reason } = decide(options, servingQuality, challenger, split.testUsers.length, serving && !servingKept ? serving : null);
  const report: RetrainReport = {
    serving_release: serving,
    cut: new Date(cut).toISOString(),
    users: split.testUsers.length,
    serving: servingQuality,
    challenger,
    tolerance: options.tolerance,
    verdict,
    reason,
  };
  log.info(`${verdict}: ${reason}`);
  if (verdict === "refused") return report;

  const out = options.out ?? join("artifacts", "candidates", new Date().toISOString().replace(/[:.]/g, ""));
  const summary = await runTrain(
    {
      data: options.data,
      lake: options.lake,
      out,
      seed: options.seed,
      als: {},
      ...(options.eventWeights !== undefined ? { eventWeights: options.eventWeights } : {}),
    },
    write,
  );
  const published = await publishRelease({
    from: out,
    releasesDir,
    client: options.client,
    mode: options.canary !== undefined ? { kind: "canary", share: options.canary } : { kind: "activate" },
    log: (line) => log.info(line),
  });
  report.release = published.id;
  await writeFile(join(published.folder, "retrain-report.json"), `${JSON.stringify(report, null, 2)}\n`);
  log.info(`release ${summary.manifest.modelVersion} published; report in ${join(published.folder, "retrain-report.json")}`);
  return report;
}

/** Publish, forced, or refused — and why (exported for tests). */
export function decide(
  options: Pick<RetrainCommandOptions, "force" | "tolerance" | "minUsers">,
  serving: RetrievalQuality | null,
  challenger: RetrievalQuality,
  users: number,
  /** A release serves but is not kept here, so it could not be scored: no verdict without --force. */
  unscoredServing: string | null = null,
): { verdict: RetrainReport["verdict"]; reason: string } {
  if (unscoredServing) {
    const reason = `the serving release ${unscoredServing} is not kept here, so the challenger cannot be compared with it (run where its artifacts/releases folder is, e.g. the sidecar's host)`;
    return options.force ? { verdict: "publish_forced", reason } : { verdict: "refused", reason: `${reason}; --force publishes anyway` };
  }
  if (!serving) return { verdict: "publish", reason: "no serving release to compare with (first release)" };
  if (users < options.minUsers) {
    const reason = `only ${users} users have events on both sides of the cut (at least ${options.minUsers} needed for a verdict)`;
    return options.force ? { verdict: "publish_forced", reason } : { verdict: "refused", reason: `${reason}; --force publishes anyway` };
  }
  const floor = serving.ndcg * (1 - options.tolerance);
  if (challenger.ndcg >= floor) {
    return {
      verdict: "publish",
      reason: `challenger nDCG@10 ${challenger.ndcg.toFixed(4)} ≥ ${floor.toFixed(4)} (serving ${serving.ndcg.toFixed(4)} − ${options.tolerance * 100} %)`,
    };
  }
  const reason = `challenger nDCG@10 ${challenger.ndcg.toFixed(4)} < ${floor.toFixed(4)} (serving ${serving.ndcg.toFixed(4)} − ${options.tolerance * 100} %)`;
  return options.force ? { verdict: "publish_forced", reason } : { verdict: "refused", reason: `${reason}; --force publishes anyway` };
}
