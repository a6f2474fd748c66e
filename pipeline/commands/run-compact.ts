/**
 * `pipeline compact --lake local|<Worker URL>|<folder> --out <folder> [--from YYYY-MM-DD] [--to YYYY-MM-DD]`:
 * writes the event lake's hour partitions as Parquet files that Spark, DuckDB, Athena or BigQuery
 * read (pipeline/data/lake/compact-lake.ts) and prints each partition's counts and the total.
 */
import { resolve } from "node:path";
import { type CompactLakeReport, type CompactedPartition, compactLake } from "../data/lake/compact-lake";
import { lakeSourceFrom } from "../data/lake/lake-source-from";
import { type LineWriter, ProgressLog } from "./progress-log";

/** Options of {@link runCompact}. */
export interface CompactCommandOptions {
  /** The lake to read: `local`, a Worker URL or a folder (pipeline/data/lake/lake-source-from.ts). */
  lake: string;
  /** Folder the Parquet layout is written to. */
  out: string;
  /** First UTC day, `YYYY-MM-DD` (default: the lake's first). */
  from?: string;
  /** Last UTC day, `YYYY-MM-DD`, inclusive (default: the lake's last). */
  to?: string;
  /** The current time (ms; default: now), to tell hours that are still open. */
  now?: number;
}

/** Runs the command; returns the report it printed. */
export async function runCompact(options: CompactCommandOptions, write?: LineWriter): Promise<CompactLakeReport> {
  if (resolve(options.out) === resolve(options.lake)) {
    throw new Error(`--out ${options.out} is the lake itself: write the Parquet copy to another folder`);
  }
  const log = new ProgressLog("compact", write);
  const source = lakeSourceFrom(options.lake);
  const days = options.from === undefined && options.to === undefined ? "all days" : `days ${options.from ?? "…"} to ${options.to ?? "…"}`;
  log.info(`${source.description}, ${days} → ${resolve(options.out)}`);
  const report = await compactLake(source, {
    out: options.out,
    now: options.now ?? Date.now(),
    onPartition: (partition) => log.info(describePartition(partition)),
    ...(options.from !== undefined ? { from: options.from } : {}),
    ...(options.to !== undefined ? { to: options.to } : {}),
  });
  if (report.tombstones > 0)
    log.info(`tombstones: ${report.tombstones} erased user(s) applied and copied to ${resolve(options.out, "tombstones")}`);
  for (const line of report.issues.format().split("\n").filter(Boolean)) log.info(line);
  log.info(
    `total: ${report.events} event(s) in ${report.partitions.length} partition(s); ` +
      `${report.repeats} repeat(s) and ${report.erased} erased event(s) dropped (${log.elapsed()})`,
  );
  return report;
}

function describePartition(partition: CompactedPartition): string {
  const open = partition.open ? " — hour still open: re-run once it has closed" : "";
  return (
    `${partition.partition}: ${partition.events} event(s) from ${partition.objects} object(s); ` +
    `${partition.repeats} repeat(s), ${partition.erased} erased${open}`
  );
}
