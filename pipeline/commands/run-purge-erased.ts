/**
 * `pipeline purge-erased --events <folder>`: rewrites an event-log folder (or a copy of the R2
 * event-log bucket) without the events of erased users — those their tombstones cover — and prints
 * what it dropped (pipeline/data/purge-erased-events.ts).
 */
import { stat } from "node:fs/promises";
import { type PurgeErasedReport, purgeErasedEvents } from "../data/purge-erased-events";

/** Options of {@link runPurgeErased}. */
export interface PurgeErasedCommandOptions {
  /** Event-log folder: `events.ndjson` and/or `events/…/*.ndjson`, with `tombstones/<user>.json`. */
  events: string;
}

/** Runs the command; returns the report it printed. */
export async function runPurgeErased(options: PurgeErasedCommandOptions): Promise<PurgeErasedReport> {
  if (!(await stat(options.events).catch(() => undefined))?.isDirectory()) {
    throw new Error(`--events ${options.events} is not a folder`);
  }
  const report = await purgeErasedEvents(options.events);
  console.log(`tombstones: ${report.tombstones} erased user(s); scanned ${report.filesScanned} NDJSON file(s)`);
  for (const { file, dropped } of report.rewritten) console.log(`  rewrote ${file}: ${dropped} line(s) dropped`);
  console.log(
    `dropped ${report.eventsDropped} event(s) and ${report.profilesDropped} profile(s); ${report.unreadableLinesKept} unreadable line(s) kept as they were`,
  );
  return report;
}
