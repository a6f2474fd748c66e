/**
 * Benchmarks (`npm run bench -- <name>`). Each prints its numbers and, with `--json <file>`,
 * writes them as JSON. Timing goals live here, never in unit tests.
 *
 *   recommendations [--url http://127.0.0.1:8787] [--users u00001,u00002] [--requests 500]
 *                   [--concurrency 4] [--max-seconds 60] [--n 10] [--json <file>]
 *       needs a running system (`npm start`); demo users are read from artifacts/demo by default.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { runRecommendationsBench } from "./recommendations-bench";

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function demoUsers(): string[] {
  const bulk = JSON.parse(readFileSync("artifacts/demo/kv-bulk.json", "utf8")) as { key: string }[];
  return bulk.filter((entry) => entry.key.startsWith("user:")).map((entry) => entry.key.slice(5)).slice(0, 500);
}

const program = new Command().name("bench").description("Benchmarks of the edge recommendation engine.");

program
  .command("recommendations")
  .description("latency of GET /v1/recommendations against a running `npm start` (loopback only)")
  .option("--url <url>", "Worker base URL", "http://127.0.0.1:8787")
  .option("--users <ids>", "comma-separated user ids (default: demo users from artifacts/demo)")
  .option("--requests <n>", "requests to send", positiveInteger, 500)
  .option("--concurrency <n>", "requests in flight", positiveInteger, 4)
  .option("--max-seconds <n>", "stop after this many seconds", positiveInteger, 60)
  .option("--n <n>", "items per response", positiveInteger, 10)
  .option("--json <file>", "write the result as JSON")
  .action(async (opts: { url: string; users?: string; requests: number; concurrency: number; maxSeconds: number; n: number; json?: string }) => {
    const users = opts.users ? opts.users.split(",") : demoUsers();
    // Warm-up: the first requests load the vector index and compile code paths.
    await runRecommendationsBench({ ...opts, users, requests: 20, concurrency: 1 });
    const result = await runRecommendationsBench({ ...opts, users });
    console.log(JSON.stringify(result, null, 2));
    if (opts.json) writeFileSync(opts.json, `${JSON.stringify(result, null, 2)}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
