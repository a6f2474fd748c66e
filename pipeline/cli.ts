/**
 * The offline pipeline's command line (`npm run pipeline -- <command>`):
 *
 *   generate [--out data/demo] [--items 5000] [--users 2000] [--days 90] [--seed 42] [--name demo]
 *            [--position-bias <eta> [--explore-share 0.1] [--list-length 10]]
 *   train --data <folder> [--out artifacts/<dataset name>] [--evaluation <evaluation.json>]
 *         [--factors 32] [--iterations 15] [--seed 42] [--created-at <ISO time>] [--lake local|<Worker URL>|<folder>]
 *         [--event-weights <file.json>] [--ips [--ips-max-weight 20]]
 *   evaluate --data <folder> [--seeds 5] [--out <file.json>] [--protocol random-by-item|leave-last-out]
 *            [--k 10] [--dimensions 32] [--no-tune] [--params <evaluation.json>] [--workers <n>] [--lake …]
 *            [--event-weights <file.json>] [--als-budget <seconds>] [--ips [--ips-max-weight 20]]
 *   bias-report [--data <generate --position-bias folder>] [--items 1500] [--users 3000] [--eta 1] [--explore-share 0.1]
 *               [--seeds 3] [--k 10] [--ips-max-weight 20] [--out <file.json>]
 *   default-list [--artifacts artifacts/demo] [--out <artifacts>/default-popular.json] [--size 50]
 *   experiment-report --events <folder|file.ndjson> [--config <serving-config.json>] [--items <items.ndjson|items.json>]
 *                     [--out <file.json>]
 *   purge-erased --events <folder>
 *   compact --lake local|<Worker URL>|<folder> --out <folder> [--from YYYY-MM-DD] [--to YYYY-MM-DD]
 *   retrain --local|--remote [--data data/demo] [--force] [--tolerance 0.05] [--min-users 20] [--canary 0.1]
 *           [--event-weights <file.json>]
 *   release list|publish|rollback|promote|gc --local|--remote [--from artifacts/demo] [--canary 0.1] [--to <id>] [--keep 3]
 *           [--from-factors <Spark ALS factors folder> --data <folder> [--lake …] [--out <folder>]]
 *
 * Errors print one clear line to stderr and exit with status 1.
 */
import { join } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { DEMO_GENERATOR_DEFAULTS, POSITION_BIAS_DEFAULTS } from "./generate/demo-generator";
import { BIAS_REPORT_COMMAND_DEFAULTS, runBiasReport } from "./commands/run-bias-report";
import { IMPLICIT_ALS_DEFAULTS } from "./models/implicit-als";
import { runGenerate } from "./commands/run-generate";
import { runTrain } from "./commands/run-train";
import { runDefaultList } from "./commands/run-default-list";
import { runExperimentReport } from "./commands/run-experiment-report";
import { runPurgeErased } from "./commands/run-purge-erased";
import { runCompact } from "./commands/run-compact";
import { utcDayStart } from "./data/lake/compact-lake";
import { DEFAULT_RELEASES_DIR, type ReleaseCommandOptions, runRelease } from "./commands/run-release";
import { RETRAIN_DEFAULTS, runRetrain } from "./commands/run-retrain";
import { releaseClientFor } from "./release/release-target";
import { EVALUATE_COMMAND_DEFAULTS, type EvaluateCommandOptions, runEvaluate } from "./commands/run-evaluate";
import { isProtocolName, PROTOCOL_NAMES, type ProtocolName } from "./evaluate/evaluation-protocol";

const program = new Command()
  .name("pipeline")
  .description("Offline pipeline of the edge recommendation engine: demo data, training, artifacts.")
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

program
  .command("generate")
  .description("write the deterministic synthetic demo dataset (items, users, events)")
  .option("--out <folder>", "output folder", "data/demo")
  .option("--items <n>", "catalogue size", positiveInteger, DEMO_GENERATOR_DEFAULTS.items)
  .option("--users <n>", "number of users", positiveInteger, DEMO_GENERATOR_DEFAULTS.users)
  .option("--days <n>", "length of the event window in days", positiveInteger, DEMO_GENERATOR_DEFAULTS.days)
  .option("--seed <n>", "random seed", integer, DEMO_GENERATOR_DEFAULTS.seed)
  .option("--name <name>", "dataset name recorded in dataset.json", DEMO_GENERATOR_DEFAULTS.name)
  .option(
    "--position-bias <eta>",
    "position-biased clicks, examination (1/(1+p))^eta, and ground-truth.json (off by default)",
    nonNegativeNumber,
  )
  .option(
    "--explore-share <share>",
    "with --position-bias: share of lists shown in random order",
    unitShare,
    POSITION_BIAS_DEFAULTS.exploreShare,
  )
  .option("--list-length <n>", "with --position-bias: items per list", positiveInteger, POSITION_BIAS_DEFAULTS.listLength)
  .action(
    async (opts: {
      out: string;
      items: number;
      users: number;
      days: number;
      seed: number;
      name: string;
      positionBias?: number;
      exploreShare: number;
      listLength: number;
    }) => {
      const { positionBias, exploreShare, listLength, ...rest } = opts;
      await runGenerate({
        ...rest,
        ...(positionBias !== undefined ? { positionBias: { eta: positionBias, exploreShare, listLength } } : {}),
      });
    },
  );

/** Help of `--ips` and `--ips-max-weight`. */
const IPS_OPTION_HELP =
  "weight position-logged events by 1/θ̂ (examination estimated from randomised lists; docs/pipeline.md 'Position bias')";
const IPS_MAX_WEIGHT_HELP = "with --ips: largest inverse-propensity weight (clipping)";

/** The `ips` option of train/evaluate from the flags. */
function ipsOption(opts: { ips?: boolean; ipsMaxWeight?: number }): { ips?: { maxWeight?: number } } {
  if (!opts.ips) return {};
  return { ips: opts.ipsMaxWeight !== undefined ? { maxWeight: opts.ipsMaxWeight } : {} };
}

/** Help of `--event-weights`. */
const EVENT_WEIGHTS_OPTION_HELP =
  "event-weight table (JSON, merged over the default; e.g. config/event-weights.example.json; docs/pipeline.md 'Event weights')";

/** Help of `--lake`. */
const LAKE_OPTION_HELP =
  "merge the events the edge logged: 'local' (the running npm start), a Worker URL (admin key in EDGE_RECS_KEY) or a folder with the bucket's layout";

program
  .command("train")
  .description("train the serving model and the ranker on a dataset folder and write the artifacts the edge serves")
  .requiredOption("--data <folder>", "dataset folder (e.g. data/demo)")
  .option("--out <folder>", "artifacts folder (default: artifacts/<dataset name>)")
  .option(
    "--evaluation <file>",
    "evaluation report whose serving_model to train (default: <out>/evaluation.json if present, else implicit ALS)",
  )
  .option("--factors <n>", "ALS embedding size (without an evaluation report)", positiveInteger, IMPLICIT_ALS_DEFAULTS.factors)
  .option("--iterations <n>", "ALS iterations (without an evaluation report)", positiveInteger, IMPLICIT_ALS_DEFAULTS.iterations)
  .option("--seed <n>", "random seed", integer, 42)
  .option("--created-at <time>", "artifact creation time, ISO 8601 (default: now, or SOURCE_DATE_EPOCH)", isoDate)
  .option("--lake <source>", LAKE_OPTION_HELP)
  .option("--event-weights <file>", EVENT_WEIGHTS_OPTION_HELP)
  .option("--ips", IPS_OPTION_HELP)
  .option("--ips-max-weight <w>", IPS_MAX_WEIGHT_HELP, atLeastOne)
  .action(
    async (opts: {
      lake?: string;
      eventWeights?: string;
      ips?: boolean;
      ipsMaxWeight?: number;
      data: string;
      out?: string;
      evaluation?: string;
      factors: number;
      iterations: number;
      seed: number;
      createdAt?: Date;
    }) => {
      const createdAt = opts.createdAt ?? sourceDateEpoch();
      await runTrain({
        data: opts.data,
        ...(opts.out !== undefined ? { out: opts.out } : {}),
        ...(opts.evaluation !== undefined ? { evaluation: opts.evaluation } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
        seed: opts.seed,
        als: { factors: opts.factors, iterations: opts.iterations },
        ...(opts.lake !== undefined ? { lake: opts.lake } : {}),
        ...(opts.eventWeights !== undefined ? { eventWeights: opts.eventWeights } : {}),
        ...ipsOption(opts),
      });
    },
  );

program
  .command("retrain")
  .description(
    "train on the dataset plus the event lake, compare with the serving release on the most recent events, publish when not worse",
  )
  .option("--local", "the running npm start stack (its lake and its releases)")
  .option("--remote", "a deployed Worker (EDGE_RECS_URL, admin key in EDGE_RECS_KEY)")
  .option("--data <folder>", "the dataset folder releases are trained on", "data/demo")
  .option("--force", "publish even when the challenger is worse or cannot be compared")
  .option("--tolerance <share>", "largest relative nDCG@10 loss accepted", share, RETRAIN_DEFAULTS.tolerance)
  .option("--min-users <n>", "fewest users with events on both sides of the cut for a verdict", positiveInteger, RETRAIN_DEFAULTS.minUsers)
  .option("--canary <share>", "serve the new release to this share of users first", share)
  .option("--releases-dir <folder>", "where releases are kept", DEFAULT_RELEASES_DIR)
  .option("--event-weights <file>", EVENT_WEIGHTS_OPTION_HELP)
  .action(
    async (opts: {
      local?: boolean;
      remote?: boolean;
      eventWeights?: string;
      data: string;
      force?: boolean;
      tolerance: number;
      minUsers: number;
      canary?: number;
      releasesDir: string;
    }) => {
      if (Boolean(opts.local) === Boolean(opts.remote)) throw new Error("retrain: say where, --local or --remote");
      const client = releaseClientFor(opts.local ? "local" : "remote");
      const report = await runRetrain({
        client,
        lake: opts.local ? "local" : client.url,
        data: opts.data,
        force: Boolean(opts.force),
        tolerance: opts.tolerance,
        minUsers: opts.minUsers,
        seed: RETRAIN_DEFAULTS.seed,
        releasesDir: opts.releasesDir,
        ...(opts.canary !== undefined ? { canary: opts.canary } : {}),
        ...(opts.eventWeights !== undefined ? { eventWeights: opts.eventWeights } : {}),
      });
      if (report.release) console.log(report.release);
      else process.exitCode = 2;
    },
  );

program
  .command("release")
  .description("list, publish, roll back, promote or garbage-collect releases on the local stack (--local) or a deployed Worker (--remote)")
  .argument("<action>", "list | publish | rollback | promote | gc", releaseAction)
  .option("--local", "the running npm start stack (http://127.0.0.1:$PORT)")
  .option("--remote", "a deployed Worker (EDGE_RECS_URL, admin key in EDGE_RECS_KEY)")
  .option("--from <folder>", "publish: the artifacts folder to publish (default: artifacts/demo)")
  .option("--from-factors <folder>", "publish: import Spark MLlib ALS factors (docs/spark-als.md) and publish them instead of --from")
  .option("--data <folder>", "publish --from-factors: dataset for catalogue metadata, popular lists and user histories (as train --data)")
  .option("--lake <source>", `publish --from-factors: ${LAKE_OPTION_HELP}`)
  .option(
    "--out <folder>",
    "publish --from-factors: where the imported artifacts are written (default: artifacts/spark-als/<dataset name>)",
  )
  .option("--canary <share>", "publish: serve the new release to this share of users first (0 < share < 1)", share)
  .option("--to <id>", "rollback: the release to return to (default: the previous one)")
  .option("--keep <n>", "gc: releases to keep besides those in use", positiveInteger, 3)
  .option("--releases-dir <folder>", "where releases are kept (the sidecar's SIDECAR_RELEASES_DIR)", DEFAULT_RELEASES_DIR)
  .action(
    async (
      action: ReleaseCommandOptions["action"],
      opts: Pick<ReleaseCommandOptions, "from" | "fromFactors" | "data" | "lake" | "out" | "canary" | "to"> & {
        local?: boolean;
        remote?: boolean;
        keep: number;
        releasesDir: string;
      },
    ) => {
      if (Boolean(opts.local) === Boolean(opts.remote)) throw new Error("release: say where, --local or --remote");
      const createdAt = opts.fromFactors !== undefined ? sourceDateEpoch() : undefined;
      await runRelease({
        action,
        client: releaseClientFor(opts.local ? "local" : "remote"),
        keep: opts.keep,
        releasesDir: opts.releasesDir,
        ...(opts.from !== undefined ? { from: opts.from } : {}),
        ...(opts.fromFactors !== undefined ? { fromFactors: opts.fromFactors } : {}),
        ...(opts.data !== undefined ? { data: opts.data } : {}),
        ...(opts.lake !== undefined ? { lake: opts.lake } : {}),
        ...(opts.out !== undefined ? { out: opts.out } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
        ...(opts.canary !== undefined ? { canary: opts.canary } : {}),
        ...(opts.to !== undefined ? { to: opts.to } : {}),
      });
    },
  );

program
  .command("evaluate")
  .description("split, tune, train and evaluate every model over several seeds; print the table, write JSON and HTML")
  .requiredOption("--data <folder>", "dataset folder (event log, MovieLens 100k or MovieLens CSV)")
  .option("--seeds <n>", "number of seeds (42, 43, …)", positiveInteger, EVALUATE_COMMAND_DEFAULTS.seeds)
  .option("--first-seed <n>", "first seed", integer, EVALUATE_COMMAND_DEFAULTS.firstSeed)
  .option("--out <file>", "JSON report (default: artifacts/<dataset>/evaluation.json); the HTML report goes beside it")
  .option("--protocol <name>", `split protocol: ${PROTOCOL_NAMES.join(" | ")}`, protocolName, EVALUATE_COMMAND_DEFAULTS.protocol)
  .option("--k <n>", "cut-off of every metric", positiveInteger, EVALUATE_COMMAND_DEFAULTS.k)
  .option("--dimensions <n>", "size of the served user and item vectors", positiveInteger, EVALUATE_COMMAND_DEFAULTS.dimensions)
  .option("--no-tune", "skip hyperparameter tuning (use defaults)")
  .option("--params <file>", "reuse the models and hyperparameters of an earlier evaluation JSON")
  .option("--workers <n>", "worker threads for seeds and tuning (default: one per core; 1 = in-process)", positiveInteger)
  .option("--lake <source>", LAKE_OPTION_HELP)
  .option("--event-weights <file>", EVENT_WEIGHTS_OPTION_HELP)
  .option("--als-budget <seconds>", "time box of the ALS hyperparameter search after the base grid (0: grid only)", nonNegativeNumber)
  .option("--ips", IPS_OPTION_HELP)
  .option("--ips-max-weight <w>", IPS_MAX_WEIGHT_HELP, atLeastOne)
  .action(
    async (
      opts: Pick<
        EvaluateCommandOptions,
        | "data"
        | "seeds"
        | "firstSeed"
        | "out"
        | "protocol"
        | "k"
        | "dimensions"
        | "tune"
        | "params"
        | "workers"
        | "lake"
        | "eventWeights"
        | "alsBudget"
      > & { ips?: boolean; ipsMaxWeight?: number },
    ) => {
      const { ips, ipsMaxWeight, ...rest } = opts;
      await runEvaluate({ ...rest, ...ipsOption({ ips, ipsMaxWeight }) });
    },
  );

program
  .command("bias-report")
  .description("position and popularity bias: naive vs inverse-propensity-weighted ALS against a position-biased demo's ground truth")
  .option("--data <folder>", "a generate --position-bias folder (default: generate one into a temporary folder)")
  .option("--items <n>", "catalogue size of the generated demo", positiveInteger, BIAS_REPORT_COMMAND_DEFAULTS.items)
  .option("--users <n>", "users of the generated demo", positiveInteger, BIAS_REPORT_COMMAND_DEFAULTS.users)
  .option("--eta <eta>", "examination exponent of the generated demo", nonNegativeNumber, BIAS_REPORT_COMMAND_DEFAULTS.eta)
  .option(
    "--explore-share <share>",
    "share of randomised lists in the generated demo",
    unitShare,
    BIAS_REPORT_COMMAND_DEFAULTS.exploreShare,
  )
  .option("--seeds <n>", "number of seeds (42, 43, …)", positiveInteger, BIAS_REPORT_COMMAND_DEFAULTS.seeds)
  .option("--k <n>", "cut-off", positiveInteger, BIAS_REPORT_COMMAND_DEFAULTS.k)
  .option("--ips-max-weight <w>", "largest inverse-propensity weight (clipping)", atLeastOne, BIAS_REPORT_COMMAND_DEFAULTS.maxWeight)
  .option("--out <file>", "also write the report as JSON")
  .action(
    async (opts: {
      data?: string;
      items: number;
      users: number;
      eta: number;
      exploreShare: number;
      seeds: number;
      k: number;
      ipsMaxWeight: number;
      out?: string;
    }) => {
      const { ipsMaxWeight, ...rest } = opts;
      await runBiasReport({ ...rest, maxWeight: ipsMaxWeight });
    },
  );

program
  .command("default-list")
  .description(
    "write a built-in popular list (the Worker's last fallback) from an artifacts folder; --out workers/fallbacks/default-popular.json replaces the committed one",
  )
  .option("--artifacts <folder>", "artifacts folder", "artifacts/demo")
  .option("--out <file>", "output JSON file (default: beside the artifacts, so a tracked file changes only when asked)")
  .option("--size <n>", "items to keep", positiveInteger, 50)
  .action(async (opts: { artifacts: string; out?: string; size: number }) => {
    await runDefaultList({ ...opts, out: opts.out ?? join(opts.artifacts, "default-popular.json") });
  });

program
  .command("experiment-report")
  .description("offline A/B report of the serving config's experiments from the event log (R2 folder tree or events.ndjson)")
  .requiredOption("--events <path>", "event-log folder (events/dt=…/hour=…/*.ndjson, read recursively) or one NDJSON file")
  .option("--config <file>", "serving config JSON, same schema as SERVING_CONFIG (default: built-in, no experiments)")
  .option("--items <file>", "items.ndjson or items.json for category diversity (default: items.ndjson beside the events)")
  .option("--out <file>", "write the report as JSON")
  .action(async (opts: { events: string; config?: string; items?: string; out?: string }) => {
    await runExperimentReport(opts);
  });

program
  .command("purge-erased")
  .description("rewrite an event-log folder's NDJSON files without the events of erased users (tombstones/<user>.json)")
  .requiredOption("--events <folder>", "event-log folder (events.ndjson and/or events/dt=…/hour=…/*.ndjson, with tombstones/)")
  .action(async (opts: { events: string }) => {
    await runPurgeErased(opts);
  });

program
  .command("compact")
  .description("write the event lake's hour partitions as Parquet (deduplicated, erasures applied) for Spark, DuckDB, Athena or BigQuery")
  .requiredOption("--lake <source>", "the lake: 'local' (the running npm start), a Worker URL (admin key in EDGE_RECS_KEY) or a folder")
  .requiredOption("--out <folder>", "folder of the Parquet copy (events/dt=…/hour=…/events.parquet, tombstones/)")
  .option("--from <day>", "first UTC day to compact, YYYY-MM-DD (default: the lake's first)", utcDay)
  .option("--to <day>", "last UTC day to compact, YYYY-MM-DD, inclusive (default: the lake's last)", utcDay)
  .action(async (opts: { lake: string; out: string; from?: string; to?: string }) => {
    await runCompact(opts);
  });

const RELEASE_ACTIONS = ["list", "publish", "rollback", "promote", "gc"] as const;

function releaseAction(value: string): ReleaseCommandOptions["action"] {
  const action = RELEASE_ACTIONS.find((name) => name === value);
  if (!action) throw new InvalidArgumentError(`expected one of ${RELEASE_ACTIONS.join(", ")}`);
  return action;
}

function share(value: string): number {
  const n = Number(value);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError("expected a share between 0 and 1 (exclusive), e.g. 0.1");
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("expected an integer");
  return n;
}

function positiveInteger(value: string): number {
  const n = integer(value);
  if (n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function nonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 0)) throw new InvalidArgumentError("expected a number ≥ 0");
  return n;
}

function unitShare(value: string): number {
  const n = Number(value);
  if (!(n >= 0 && n <= 1)) throw new InvalidArgumentError("expected a share between 0 and 1");
  return n;
}

function atLeastOne(value: string): number {
  const n = Number(value);
  if (!(Number.isFinite(n) && n >= 1)) throw new InvalidArgumentError("expected a number ≥ 1");
  return n;
}

function protocolName(value: string): ProtocolName {
  if (!isProtocolName(value)) throw new InvalidArgumentError(`expected one of ${PROTOCOL_NAMES.join(", ")}`);
  return value;
}

function utcDay(value: string): string {
  if (utcDayStart(value) === undefined) throw new InvalidArgumentError("expected a UTC day, YYYY-MM-DD");
  return value;
}

function isoDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError("expected an ISO 8601 time");
  return date;
}

/** Reproducible-builds convention: a fixed creation time from the environment. */
function sourceDateEpoch(): Date | undefined {
  const raw = process.env.SOURCE_DATE_EPOCH;
  if (raw === undefined || raw === "") return undefined;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds)) throw new Error(`SOURCE_DATE_EPOCH is not a number: ${raw}`);
  return new Date(seconds * 1000);
}

program.parseAsync(process.argv).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`pipeline: error: ${message}\n`);
  if (process.env.PIPELINE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exitCode = 1;
});
