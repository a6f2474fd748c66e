/**
 * The offline pipeline's command line (`npm run pipeline -- <command>`):
 *
 *   generate [--out data/demo] [--items 5000] [--users 2000] [--days 90] [--seed 42] [--name demo]
 *   train --data <folder> [--out artifacts/<dataset name>] [--factors 32] [--iterations 15]
 *         [--seed 42] [--created-at <ISO time>]
 *   default-list [--artifacts artifacts/demo] [--out workers/fallbacks/default-popular.json] [--size 50]
 *
 * Errors print one clear line to stderr and exit with status 1.
 */
import { Command, InvalidArgumentError } from "commander";
import { DEMO_GENERATOR_DEFAULTS } from "./generate/demo-generator";
import { IMPLICIT_ALS_DEFAULTS } from "./models/implicit-als";
import { runGenerate } from "./commands/run-generate";
import { runTrain } from "./commands/run-train";
import { runDefaultList } from "./commands/run-default-list";

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
  .action(async (opts: { out: string; items: number; users: number; days: number; seed: number; name: string }) => {
    await runGenerate(opts);
  });

program
  .command("train")
  .description("train retrieval (implicit ALS) and the ranker on a dataset folder and write artifacts")
  .requiredOption("--data <folder>", "dataset folder (e.g. data/demo)")
  .option("--out <folder>", "artifacts folder (default: artifacts/<dataset name>)")
  .option("--factors <n>", "embedding size", positiveInteger, IMPLICIT_ALS_DEFAULTS.factors)
  .option("--iterations <n>", "ALS iterations", positiveInteger, IMPLICIT_ALS_DEFAULTS.iterations)
  .option("--seed <n>", "random seed", integer, 42)
  .option("--created-at <time>", "artifact creation time, ISO 8601 (default: now, or SOURCE_DATE_EPOCH)", isoDate)
  .action(
    async (opts: { data: string; out?: string; factors: number; iterations: number; seed: number; createdAt?: Date }) => {
      const createdAt = opts.createdAt ?? sourceDateEpoch();
      await runTrain({
        data: opts.data,
        ...(opts.out !== undefined ? { out: opts.out } : {}),
        ...(createdAt !== undefined ? { createdAt } : {}),
        seed: opts.seed,
        als: { factors: opts.factors, iterations: opts.iterations },
      });
    },
  );

program
  .command("default-list")
  .description("write the Worker's built-in popular list (last fallback) from an artifacts folder")
  .option("--artifacts <folder>", "artifacts folder", "artifacts/demo")
  .option("--out <file>", "output JSON file", "workers/fallbacks/default-popular.json")
  .option("--size <n>", "items to keep", positiveInteger, 50)
  .action(async (opts: { artifacts: string; out: string; size: number }) => {
    await runDefaultList(opts);
  });

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
