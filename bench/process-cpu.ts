/**
 * CPU time of the local stack's processes (Linux /proc), so a benchmark can say where a request's
 * cost lands: the runtime that runs the Worker and its Durable Objects, wrangler's proxy in front
 * of it (a second workerd), wrangler's own Node process, and the ranking sidecar. Only the runtime
 * and the sidecar exist in production; the proxy and wrangler's Node process are local emulation.
 */
import { readdirSync, readFileSync } from "node:fs";

/** A process of the local stack and what it is. */
export interface StackProcess {
  pid: number;
  role: "runtime" | "proxy" | "wrangler" | "sidecar";
}

/** Every process's id and command line (arguments joined by spaces); processes that vanish while read are skipped. */
function* commandLines(): Generator<{ pid: number; cmdline: string }> {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      yield { pid: Number(entry), cmdline: readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ") };
    } catch {
      // gone meanwhile
    }
  }
}

/** The two workerd processes of the checkout at `root`: the runtime (it has the inspector) and wrangler's proxy. */
export function workerdProcesses(root: string): { pid: number; role: "runtime" | "proxy" }[] {
  const found: { pid: number; role: "runtime" | "proxy" }[] = [];
  for (const { pid, cmdline } of commandLines()) {
    if (cmdline.includes("/bin/workerd ") && cmdline.includes(root))
      found.push({ pid, role: cmdline.includes("--inspector-addr") ? "runtime" : "proxy" });
  }
  return found;
}

/** The stack processes of the checkout at `root` (its path appears in their command lines). */
export function stackProcesses(root: string): StackProcess[] {
  const processes: StackProcess[] = workerdProcesses(root);
  for (const { pid, cmdline } of commandLines()) {
    if (cmdline.includes(`${root}/node_modules/wrangler/wrangler-dist/cli.js dev`)) processes.push({ pid, role: "wrangler" });
    else if (cmdline.includes("gpu-sidecar/main.ts") && !cmdline.includes("npm")) processes.push({ pid, role: "sidecar" });
  }
  return processes;
}

/** CPU seconds (user + system) `pid` has used; NaN once it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    // Fields after the command: utime and stime are the 12th and 13th (clock ticks; 100 per second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds per role between two readings. */
export function cpuByRole(
  processes: StackProcess[],
  before: Map<number, number>,
  after: Map<number, number>,
): Record<StackProcess["role"], number> {
  const totals: Record<StackProcess["role"], number> = { runtime: 0, proxy: 0, wrangler: 0, sidecar: 0 };
  for (const { pid, role } of processes) {
    const used = (after.get(pid) ?? Number.NaN) - (before.get(pid) ?? Number.NaN);
    if (Number.isFinite(used)) totals[role] += used;
  }
  return totals;
}

/** One reading of every process's CPU seconds. */
export function readCpu(processes: StackProcess[]): Map<number, number> {
  return new Map(processes.map(({ pid }) => [pid, cpuSeconds(pid)]));
}
