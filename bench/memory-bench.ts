/**
 * Memory of the local runtime under sustained load: `GET /v1/recommendations` at `concurrency`
 * connections for `seconds` against a running `npm start` (loopback only), sampling the resident
 * memory (VmRSS from /proc, Linux only) of every workerd process of this checkout every
 * `sampleSeconds`. Reports each process's samples and its end value as a share of its value after
 * the first minute (the warm-up: code compiled, caches and session objects filled) — the number the
 * issue's "flat memory" goal is about (≤ 1.2). A process that exits during the run (wrangler dev
 * restarts the runtime when files change) keeps the samples it had.
 *
 * `npm start` runs two workerd processes: wrangler's proxy in front (port 8787) and the runtime
 * that runs the Worker and its Durable Objects; both are reported, named by their command line.
 */
import { readFileSync } from "node:fs";
import { workerdProcesses } from "./process-cpu";

/** Options of {@link runMemoryBench}. */
export interface MemoryBenchOptions {
  url: string;
  key: string;
  users: string[];
  concurrency: number;
  seconds: number;
  sampleSeconds: number;
  n: number;
  /** Only workerd processes whose command line contains this (default: this checkout's path). */
  processFilter: string;
}

/** One workerd process's memory over the run. */
export interface ProcessMemory {
  pid: number;
  role: "proxy" | "runtime";
  /** [seconds since start, RSS in MB]. */
  samples: [number, number][];
  after_first_minute_mb: number;
  end_mb: number;
  /** end / after the first minute. */
  end_over_first_minute: number;
}

/** What the benchmark measured. */
export interface MemoryBenchResult {
  seconds: number;
  concurrency: number;
  requests: number;
  errors: number;
  requests_per_second: number;
  processes: ProcessMemory[];
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** Resident memory of `pid` in MB; NaN once the process is gone (wrangler dev restarts the runtime on a reload). */
function rssMb(pid: number): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return Number.NaN;
  }
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Runs the benchmark. */
export async function runMemoryBench(options: MemoryBenchOptions): Promise<MemoryBenchResult> {
  const base = new URL(options.url);
  if (!LOOPBACK.has(base.hostname)) throw new Error(`refusing to load ${base.hostname}: benchmarks target loopback only`);
  const processes = workerdProcesses(options.processFilter);
  if (processes.length === 0) throw new Error(`no workerd process of ${options.processFilter} found: is npm start running?`);
  const samples = new Map(processes.map((process) => [process.pid, [] as [number, number][]]));
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) / 100) / 10;
  const sample = () => {
    for (const { pid } of processes) {
      const mb = rssMb(pid);
      if (!Number.isNaN(mb)) samples.get(pid)!.push([elapsed(), mb]);
    }
  };
  sample();
  const sampler = setInterval(sample, options.sampleSeconds * 1000);
  const deadline = started + options.seconds * 1000;
  let requests = 0;
  let errors = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      const user = options.users[requests % options.users.length]!;
      requests++;
      try {
        const response = await fetch(new URL(`/v1/recommendations?user_id=${encodeURIComponent(user)}&n=${options.n}`, base), {
          headers: { authorization: `Bearer ${options.key}` },
        });
        await response.arrayBuffer();
        if (!response.ok) errors++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  clearInterval(sampler);
  sample();
  return {
    seconds: elapsed(),
    concurrency: options.concurrency,
    requests,
    errors,
    requests_per_second: Math.round((requests / elapsed()) * 10) / 10,
    processes: processes.flatMap(({ pid, role }) => {
      const series = samples.get(pid)!;
      if (series.length === 0) return [];
      const afterMinute = series.find(([t]) => t >= 60)?.[1] ?? series[0]![1];
      const end = series.at(-1)![1];
      return [
        {
          pid,
          role,
          samples: series,
          after_first_minute_mb: afterMinute,
          end_mb: end,
          end_over_first_minute: Math.round((end / afterMinute) * 1000) / 1000,
        },
      ];
    }),
  };
}
