/**
 * Benchmarks (`npm run bench -- <name>`). Each prints its numbers and, with `--json <file>`,
 * writes them as JSON. Timing goals live here, never in unit tests.
 *
 * Benches that call the Worker send `Authorization: Bearer <key>`: `--key`, else EDGE_RECS_KEY, else
 * the ADMIN_TOKEN npm start wrote to .dev.vars (`scripts/worker-credential.ts`).
 *
 *   recommendations [--url http://127.0.0.1:$PORT] [--key <key>] [--users u00001,u00002] [--distinct-users 50]
 *                   [--requests 500] [--concurrency 4] [--max-seconds 60] [--n 10] [--json <file>]
 *       needs a running system (`npm start`); demo users are read from artifacts/demo by default.
 *       Latency overall, for each user's first request (session object created or woken) and
 *       for returning users.
 *
 *   request-cost [--url http://127.0.0.1:$PORT] [--key <key>] [--users …] [--distinct-users 500]
 *                [--concurrency 32] [--seconds 8] [--rounds 5] [--latency-requests 300] [--n 10] [--root .] [--json <file>]
 *       needs `npm start`: rounds of GET /healthz throughput then GET /v1/recommendations
 *       throughput at the same concurrency, the median of the rounds' ratios, and recommendation
 *       latency at concurrency 1 with the Worker's per-stage timings and subrequest count
 *       (medians). ~1.5 minutes.
 *
 *   memory [--url http://127.0.0.1:$PORT] [--key <key>] [--users …] [--distinct-users 500]
 *          [--concurrency 8] [--seconds 180] [--sample-seconds 10] [--n 10] [--json <file>]
 *       needs `npm start` (Linux): sustained GET /v1/recommendations load while sampling the RSS
 *       of this checkout's workerd processes; prints each one's end value over its value after
 *       the first minute (the flat-memory goal: ≤ 1.2).
 *
 *   realtime [--url http://127.0.0.1:$PORT] [--key <key>] [--trials 50] [--n 10] [--batch-size 100]
 *            [--concurrency 8] [--ingest-seconds 10] [--ingest-users 200] [--json <file>]
 *       time from an accepted event to a changed response, and events ingested per second;
 *       needs `npm start`; writes bench-* events into the local system.
 *
 *   release-cycle [--url …] [--key <key>] [--new-users 30] [--events-per-user 20] [--concurrency 4] [--json <file>]
 *       events for new users → retrain --local --force → rollback --local under a request loop: times, failed requests;
 *   sidecar-outage [--url http://127.0.0.1:$PORT] [--sidecar-url http://127.0.0.1:$SIDECAR_PORT] [--key <key>]
 *                  [--users u00001,…] [--distinct-users 50] [--concurrency 4] [--seconds 40]
 *                  [--kill-after-seconds 5] [--n 10] [--pid-file .wrangler/state/sidecar.pid] [--json <file>]
 *       needs `npm start`: load on GET /v1/recommendations while the sidecar is killed (SIGKILL);
 *       failed requests, responses per ranker, seconds until the sidecar is healthy again and
 *       until the Worker ranks with it again. Stops by itself after --seconds.
 *
 *   fuzz [--url http://127.0.0.1:$PORT] [--key <key>] [--requests 10000] [--concurrency 8] [--seed 20261206]
 *        [--max-seconds 600] [--admin] [--json <file>]
 *       needs `npm start`: hostile requests across every route, with and without credentials
 *       (bench/hostile-requests.ts); fails (exit 1) on any 5xx or any 4xx that is not JSON with a
 *       string error.code. User tokens are signed with USER_TOKEN_SECRET from .dev.vars.
 *       Without --admin, admin-labelled requests carry a non-admin key (they could reset the demo).
 *
 *   sidecar [--model mlp|logistic] [--hidden 64,64] [--request-rows 300] [--concurrency 32]
 *           [--rounds 3] [--round-requests 4000] [--round-seconds 10] [--max-batch-rows 2048]
 *           [--max-queue-delay-ms 2] [--latency-rows 500] [--latency-requests 400]
 *           [--encoding json|binary|both] [--inference-threads 0] [--json <file>]
 *       the ranking sidecar's dynamic batching: rows/s batched vs unbatched vs raw onnxruntime, and
 *       the latency of one request on an idle sidecar, for JSON and/or binary (float32) request
 *       bodies (default both; the top-level numbers are the binary ones, the Worker's encoding);
 *       self-contained (starts its own sidecars on loopback with a model in a temp folder),
 *       ~2 minutes with both encodings; `--inference-threads n` runs the sidecars' inference in n
 *       worker threads (SIDECAR_INFERENCE_THREADS; 0 = inline, the default).
 *
 *   als-scaling [--sizes 100000,1000000,10000000] [--factors 32] [--iterations 3] [--json <file>]
 *       implicit ALS training time per iteration on generated data of each size (users grow with
 *       the interactions, 50 each): seconds per iteration, ns per interaction and a linear fit;
 *       self-contained, ~1 minute and ~1.5 GB of memory at 10⁷ interactions.
 *
 *   rerank [--data data/demo] [--seeds 3] [--seed 42] [--model served|als] [--evaluation <file>]
 *          [--candidates 50] [--factors 32] [--iterations 15] [--json <file>]
 *       offline cost/benefit of re-ranking: the served model's top 50 per test user (evaluate split;
 *       the serving model of artifacts/<dataset>/evaluation.json, else ALS — the output says which),
 *       then no re-ranking, MMR λ 0.9/0.7/0.5, category cap 3/10 and MMR 0.7 + cap; nDCG@10, P@10,
 *       intra-list diversity, categories per list, coverage, µs per list as mean ± std over seeds
 *       42, 43, …, and the per-seed change vs no re-ranking; self-contained, ~25 s on the demo data.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { runRealtimeBench } from "./realtime-bench";
import { runReleaseCycleBench } from "./release-cycle-bench";
import { runRecommendationsBench } from "./recommendations-bench";
import { runRequestCostBench } from "./request-cost-bench";
import { runMemoryBench } from "./memory-bench";
import { runSidecarOutageBench, SIDECAR_OUTAGE_BENCH_DEFAULTS } from "./sidecar-outage-bench";
import { DEV_VARS_PATH, workerCredential } from "../scripts/worker-credential";
import { FUZZ_BENCH_DEFAULTS, runFuzzBench } from "./fuzz-bench";
import { parseDevVars } from "../scripts/dev-vars";
import { runSidecarBench, SIDECAR_BENCH_DEFAULTS, SIDECAR_BENCH_ENCODINGS, type SidecarBenchEncoding } from "./sidecar-bench";
import { ALS_SCALING_BENCH_DEFAULTS, runAlsScalingBench } from "./als-scaling";
import { formatRerankTable, RERANK_BENCH_DEFAULTS, runRerankBench } from "./rerank-bench";

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected a positive integer");
  return n;
}

function demoUsers(): string[] {
  const bulk = JSON.parse(readFileSync("artifacts/demo/kv-bulk.json", "utf8")) as { key: string }[];
  return bulk
    .filter((entry) => entry.key.startsWith("user:"))
    .map((entry) => entry.key.slice(5))
    .slice(0, 500);
}

/** `--users` (comma-separated), else the demo users; the first `distinct` of them. */
function benchUsers(users: string | undefined, distinct: number): string[] {
  return (users ? users.split(",") : demoUsers()).slice(0, distinct);
}

/** Prints a bench's result as JSON and, with `--json <file>`, writes it there too. */
function report(result: unknown, json: string | undefined): void {
  console.log(JSON.stringify(result, null, 2));
  if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
}

const KEY_HELP = "credential for the Worker (default: $EDGE_RECS_KEY, else ADMIN_TOKEN from .dev.vars)";

/** Where `npm start` serves: its PORT and SIDECAR_PORT (8787, 8788 by default). */
const LOCAL_WORKER_URL = `http://127.0.0.1:${process.env.PORT ?? 8787}`;
const LOCAL_SIDECAR_URL = `http://127.0.0.1:${process.env.SIDECAR_PORT ?? 8788}`;
const program = new Command().name("bench").description("Benchmarks of the edge recommendation engine.");

program
  .command("recommendations")
  .description("latency of GET /v1/recommendations against a running `npm start` (loopback only)")
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--key <key>", KEY_HELP)
  .option("--users <ids>", "comma-separated user ids (default: demo users from artifacts/demo)")
  .option(
    "--distinct-users <n>",
    "cycle through the first n of those users (first requests create session objects; later ones find them warm)",
    positiveInteger,
    50,
  )
  .option("--requests <n>", "requests to send", positiveInteger, 500)
  .option("--concurrency <n>", "requests in flight", positiveInteger, 4)
  .option("--max-seconds <n>", "stop after this many seconds", positiveInteger, 60)
  .option("--n <n>", "items per response", positiveInteger, 10)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      key?: string;
      users?: string;
      distinctUsers: number;
      requests: number;
      concurrency: number;
      maxSeconds: number;
      n: number;
      json?: string;
    }) => {
      const { key } = workerCredential({ key: opts.key });
      const known = opts.users ? opts.users.split(",") : demoUsers();
      const users = known.slice(0, opts.distinctUsers);
      // Warm-up on other users (when there are any): loads the vector index and compiles code paths, and leaves the measured users' objects cold.
      const warmup = known.length > users.length ? known.slice(-2) : users;
      await runRecommendationsBench({ ...opts, key, users: warmup, requests: 20, concurrency: 1 });
      const result = await runRecommendationsBench({ ...opts, key, users });
      report(result, opts.json);
    },
  );

program
  .command("request-cost")
  .description(
    "GET /v1/recommendations throughput as a share of GET /healthz throughput in the same run, and p99 at concurrency 1 (loopback only)",
  )
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--key <key>", KEY_HELP)
  .option("--users <ids>", "comma-separated user ids (default: demo users from artifacts/demo)")
  .option("--distinct-users <n>", "cycle through the first n of those users", positiveInteger, 500)
  .option("--concurrency <n>", "connections of the throughput phases", positiveInteger, 32)
  .option("--seconds <n>", "length of each throughput phase", positiveInteger, 8)
  .option("--rounds <n>", "rounds of (healthz, recommendations) phases; the median ratio is reported", positiveInteger, 5)
  .option("--latency-requests <n>", "requests of the concurrency-1 phase", positiveInteger, 300)
  .option("--n <n>", "items per response", positiveInteger, 10)
  .option("--root <dir>", "the checkout whose npm start serves --url (its processes' CPU is read from /proc)", process.cwd())
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      key?: string;
      users?: string;
      distinctUsers: number;
      concurrency: number;
      seconds: number;
      rounds: number;
      latencyRequests: number;
      n: number;
      root: string;
      json?: string;
    }) => {
      const { json, users, distinctUsers, ...options } = opts;
      const { key } = workerCredential({ key: opts.key });
      const result = await runRequestCostBench({
        ...options,
        key,
        users: benchUsers(users, distinctUsers),
      });
      report(result, json);
      const perRound = result.rounds
        .map((round) => `${round.ratio} (${round.recommendations.requests_per_second}/${round.healthz.requests_per_second})`)
        .join(", ");
      console.log(
        `throughput ratio (recommendations/healthz at ${result.concurrency} connections, median of ${result.rounds.length} rounds): ${result.throughput_ratio} ` +
          `[${perRound} req/s] · p99 at concurrency 1: ${result.latency_c1.p99_ms} ms (p50 ${result.latency_c1.p50_ms} ms)`,
      );
      if (result.runtime_cpu_ratio !== null) {
        const last = result.rounds.at(-1)!;
        console.log(
          `runtime CPU per request: healthz ${last.healthz.cpu_ms_per_request.runtime} ms, recommendations ${last.recommendations.cpu_ms_per_request.runtime} ms ` +
            `→ runtime-only ratio (median of rounds) ${result.runtime_cpu_ratio}; recommendations' CPU ms per request by process (last round): ${JSON.stringify(last.recommendations.cpu_ms_per_request)}`,
        );
      }
    },
  );

program
  .command("memory")
  .description("workerd memory under sustained GET /v1/recommendations load on a running `npm start` (loopback only, Linux)")
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--key <key>", KEY_HELP)
  .option("--users <ids>", "comma-separated user ids (default: demo users from artifacts/demo)")
  .option("--distinct-users <n>", "cycle through the first n of those users", positiveInteger, 500)
  .option("--concurrency <n>", "connections", positiveInteger, 8)
  .option("--seconds <n>", "length of the run", positiveInteger, 180)
  .option("--sample-seconds <n>", "seconds between memory samples", positiveInteger, 10)
  .option("--n <n>", "items per response", positiveInteger, 10)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      key?: string;
      users?: string;
      distinctUsers: number;
      concurrency: number;
      seconds: number;
      sampleSeconds: number;
      n: number;
      json?: string;
    }) => {
      const { json, users, distinctUsers, ...options } = opts;
      const { key } = workerCredential({ key: opts.key });
      const result = await runMemoryBench({
        ...options,
        key,
        users: benchUsers(users, distinctUsers),
        processFilter: process.cwd(),
      });
      report(result, json);
      for (const memory of result.processes) {
        console.log(
          `workerd ${memory.role} (pid ${memory.pid}): ${memory.after_first_minute_mb} MB after the first minute → ${memory.end_mb} MB at the end (×${memory.end_over_first_minute})`,
        );
      }
    },
  );

program
  .command("realtime")
  .description("event → changed response latency and event ingestion rate against a running `npm start` (loopback only)")
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--key <key>", `${KEY_HELP}; must act for any user (admin key or server key)`)
  .option("--trials <n>", "freshness trials per event kind", positiveInteger, 50)
  .option("--n <n>", "items per response", positiveInteger, 10)
  .option("--batch-size <n>", "events per ingestion batch", positiveInteger, 100)
  .option("--concurrency <n>", "concurrent ingestion clients", positiveInteger, 8)
  .option("--ingest-seconds <n>", "length of the ingestion phase", positiveInteger, 10)
  .option("--ingest-users <n>", "distinct users the ingestion events are spread over", positiveInteger, 200)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      key?: string;
      trials: number;
      n: number;
      batchSize: number;
      concurrency: number;
      ingestSeconds: number;
      ingestUsers: number;
      json?: string;
    }) => {
      const { key } = workerCredential({ key: opts.key });
      const items = (JSON.parse(readFileSync("artifacts/demo/items.json", "utf8")) as { id: string }[]).map((item) => item.id);
      const result = await runRealtimeBench({ ...opts, key, users: demoUsers(), items });
      report(result, opts.json);
    },
  );

program
  .command("release-cycle")
  .description("events for new users → retrain --local --force → rollback --local, under a request loop, against a running `npm start`")
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--key <key>", `${KEY_HELP}; must act for any user (admin key or server key)`)
  .option("--new-users <n>", "users no release has seen", positiveInteger, 30)
  .option("--events-per-user <n>", "events each new user posts", positiveInteger, 20)
  .option("--concurrency <n>", "concurrent requests in the loop", positiveInteger, 4)
  .option("--lake-wait <seconds>", "wait for the event queue to deliver before retraining", positiveInteger, 8)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      key?: string;
      newUsers: number;
      eventsPerUser: number;
      concurrency: number;
      lakeWait: number;
      json?: string;
    }) => {
      const { key } = workerCredential({ key: opts.key });
      const items = (JSON.parse(readFileSync("artifacts/demo/items.json", "utf8")) as { id: string }[]).map((item) => item.id);
      const result = await runReleaseCycleBench({ ...opts, key, users: demoUsers().slice(0, 200), items, lakeWaitSeconds: opts.lakeWait });
      report(result, opts.json);
    },
  );

program
  .command("sidecar-outage")
  .description("kill the ranking sidecar under load on a running `npm start` and measure failures, rankers and recovery (loopback only)")
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--sidecar-url <url>", "sidecar base URL (its /healthz; default: SIDECAR_PORT)", LOCAL_SIDECAR_URL)
  .option("--key <key>", `${KEY_HELP}; must act for every user of the run (admin key or server key)`)
  .option("--users <ids>", "comma-separated user ids (default: demo users from artifacts/demo)")
  .option("--distinct-users <n>", "cycle through the first n of those users", positiveInteger, 50)
  .option("--concurrency <n>", "requests in flight", positiveInteger, SIDECAR_OUTAGE_BENCH_DEFAULTS.concurrency)
  .option("--seconds <n>", "length of the run", positiveInteger, SIDECAR_OUTAGE_BENCH_DEFAULTS.seconds)
  .option("--kill-after-seconds <n>", "when to SIGKILL the sidecar", positiveInteger, SIDECAR_OUTAGE_BENCH_DEFAULTS.killAfterSeconds)
  .option("--n <n>", "items per response", positiveInteger, SIDECAR_OUTAGE_BENCH_DEFAULTS.n)
  .option("--pid-file <file>", "where npm start keeps the sidecar's pid", SIDECAR_OUTAGE_BENCH_DEFAULTS.pidFile)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      sidecarUrl: string;
      key?: string;
      users?: string;
      distinctUsers: number;
      concurrency: number;
      seconds: number;
      killAfterSeconds: number;
      n: number;
      pidFile: string;
      json?: string;
    }) => {
      const { json, users, distinctUsers, ...options } = opts;
      const { key } = workerCredential({ key: opts.key });
      const result = await runSidecarOutageBench({
        ...options,
        key,
        users: benchUsers(users, distinctUsers),
      });
      report(result, json);
    },
  );

program
  .command("fuzz")
  .description("hostile requests against a running `npm start` (loopback only): no 5xx, only JSON 4xx errors")
  .option("--url <url>", "Worker base URL (default: npm start's, PORT)", LOCAL_WORKER_URL)
  .option("--key <key>", `${KEY_HELP}; must be the admin key (it creates and revokes the run's server keys)`)
  .option("--requests <n>", "requests to send", positiveInteger, FUZZ_BENCH_DEFAULTS.requests)
  .option("--concurrency <n>", "requests in flight", positiveInteger, FUZZ_BENCH_DEFAULTS.concurrency)
  .option("--seed <n>", "generator seed", positiveInteger, FUZZ_BENCH_DEFAULTS.seed)
  .option("--max-seconds <n>", "stop after this many seconds", positiveInteger, FUZZ_BENCH_DEFAULTS.maxSeconds)
  .option("--admin", "send admin-labelled requests with the admin key (may reset the local demo index)", false)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      url: string;
      key?: string;
      requests: number;
      concurrency: number;
      seed: number;
      maxSeconds: number;
      admin: boolean;
      json?: string;
    }) => {
      const { json, ...options } = opts;
      const { key } = workerCredential({ key: opts.key });
      const userTokenSecret = process.env.USER_TOKEN_SECRET ?? parseDevVars(readFileSync(DEV_VARS_PATH, "utf8")).USER_TOKEN_SECRET;
      if (!userTokenSecret) throw new Error("no USER_TOKEN_SECRET: set it or run npm start once (it writes .dev.vars)");
      const result = await runFuzzBench({ ...options, key, userTokenSecret });
      report(result, json);
      if (!result.passed) process.exitCode = 1;
    },
  );

function sidecarEncodings(value: string): SidecarBenchEncoding[] {
  if (value === "both") return [...SIDECAR_BENCH_ENCODINGS];
  if (value === "json" || value === "binary") return [value];
  throw new InvalidArgumentError("expected json, binary or both");
}

program
  .command("sidecar")
  .description("ranking sidecar throughput (dynamic batching on/off vs raw onnxruntime) and idle latency (loopback only)")
  .option("--model <kind>", "mlp (seeded weights) or logistic (the trained ranker's shape)", SIDECAR_BENCH_DEFAULTS.model)
  .option("--hidden <widths>", "hidden layer widths of the MLP", (value: string) => value.split(",").map((w) => positiveInteger(w)), [
    ...SIDECAR_BENCH_DEFAULTS.hidden,
  ])
  .option("--request-rows <n>", "rows per request under load", positiveInteger, SIDECAR_BENCH_DEFAULTS.requestRows)
  .option("--concurrency <n>", "clients sending at once", positiveInteger, SIDECAR_BENCH_DEFAULTS.concurrency)
  .option("--rounds <n>", "measured rounds per mode (median reported)", positiveInteger, SIDECAR_BENCH_DEFAULTS.rounds)
  .option("--round-requests <n>", "requests per round", positiveInteger, SIDECAR_BENCH_DEFAULTS.roundRequests)
  .option("--round-seconds <n>", "longest a round runs", positiveInteger, SIDECAR_BENCH_DEFAULTS.roundSeconds)
  .option(
    "--max-batch-rows <n>",
    "SIDECAR_MAX_BATCH_ROWS (and the raw onnxruntime batch size)",
    positiveInteger,
    SIDECAR_BENCH_DEFAULTS.maxBatchRows,
  )
  .option("--max-queue-delay-ms <n>", "SIDECAR_MAX_QUEUE_DELAY_MS", Number, SIDECAR_BENCH_DEFAULTS.maxQueueDelayMs)
  .option("--latency-rows <n>", "rows of the latency request", positiveInteger, SIDECAR_BENCH_DEFAULTS.latencyRows)
  .option("--latency-requests <n>", "latency requests, one at a time", positiveInteger, SIDECAR_BENCH_DEFAULTS.latencyRequests)
  .option("--encoding <kind>", "request encoding: json, binary or both", sidecarEncodings, [...SIDECAR_BENCH_DEFAULTS.encodings])
  .option(
    "--inference-threads <n>",
    "SIDECAR_INFERENCE_THREADS of the sidecars (0 = inference inline on the event loop)",
    (value: string) => (value.trim() === "0" ? 0 : positiveInteger(value)),
    SIDECAR_BENCH_DEFAULTS.inferenceThreads,
  )
  .option("--json <file>", "write the result as JSON")
  .action(
    async (
      opts: { model: string; json?: string; encoding: SidecarBenchEncoding[] } & Omit<
        Parameters<typeof runSidecarBench>[0] & object,
        "model" | "encodings"
      >,
    ) => {
      if (opts.model !== "mlp" && opts.model !== "logistic")
        throw new InvalidArgumentError(`--model must be mlp or logistic, got ${opts.model}`);
      const { json, encoding, ...options } = opts;
      const result = await runSidecarBench({ ...options, model: opts.model, encodings: encoding });
      report(result, json);
    },
  );

program
  .command("als-scaling")
  .description("implicit ALS training cost against the number of interactions, on generated data")
  .option("--sizes <list>", "comma-separated interaction counts", (value: string) => value.split(",").map((n) => positiveInteger(n)), [
    ...ALS_SCALING_BENCH_DEFAULTS.sizes,
  ])
  .option("--factors <n>", "embedding size", positiveInteger, ALS_SCALING_BENCH_DEFAULTS.factors)
  .option("--iterations <n>", "timed ALS iterations per size", positiveInteger, ALS_SCALING_BENCH_DEFAULTS.iterations)
  .option("--json <file>", "write the result as JSON")
  .action((opts: { sizes: number[]; factors: number; iterations: number; json?: string }) => {
    const { json, ...options } = opts;
    const result = runAlsScalingBench(options);
    report(result, json);
  });

program
  .command("rerank")
  .description(
    "offline cost/benefit of re-ranking (MMR, category cap) on the served model's top 50: accuracy vs diversity and coverage, over seeds",
  )
  .option("--data <folder>", "dataset folder (data/demo, ../shared/data/ml-100k, …)", RERANK_BENCH_DEFAULTS.data)
  .option("--seeds <n>", "number of split and model seeds (first, first + 1, …)", positiveInteger, RERANK_BENCH_DEFAULTS.seeds)
  .option("--seed <n>", "first split and model seed", positiveInteger, RERANK_BENCH_DEFAULTS.seed)
  .option(
    "--model <kind>",
    "served (the evaluation report's serving model; falls back to ALS without a report) or als",
    RERANK_BENCH_DEFAULTS.model,
  )
  .option("--evaluation <file>", "evaluation report for --model served (default: artifacts/<dataset>/evaluation.json)")
  .option("--candidates <n>", "candidates per user handed to the re-rankers", positiveInteger, RERANK_BENCH_DEFAULTS.candidates)
  .option("--factors <n>", "ALS embedding size (ALS or the fallback)", positiveInteger, RERANK_BENCH_DEFAULTS.factors)
  .option("--iterations <n>", "ALS iterations (ALS or the fallback)", positiveInteger, RERANK_BENCH_DEFAULTS.iterations)
  .option("--json <file>", "write the result as JSON")
  .action(
    async (opts: {
      data: string;
      seeds: number;
      seed: number;
      model: string;
      evaluation?: string;
      candidates: number;
      factors: number;
      iterations: number;
      json?: string;
    }) => {
      if (opts.model !== "served" && opts.model !== "als")
        throw new InvalidArgumentError(`--model must be served or als, got ${opts.model}`);
      const { json, ...options } = opts;
      const result = await runRerankBench({ ...options, model: opts.model });
      for (const line of formatRerankTable(result)) console.log(line);
      if (json) writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
    },
  );

program.parseAsync().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
