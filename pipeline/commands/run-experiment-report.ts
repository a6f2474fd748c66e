/**
 * `pipeline experiment-report`: the offline A/B report from the event log — reads the R2 event
 * log tree (or one events.ndjson), deduplicates by event_id, attributes events to the arms of the
 * serving config's experiments exactly as the live counters do, prints the per-arm table and
 * writes the JSON.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { parseServingConfig } from "../../shared/serving/serving-config";
import { EVENT_LOG_FILES } from "../data/event-log-folder";
import { buildExperimentReport, type ExperimentReport } from "../experiments/build-experiment-report";
import { formatExperimentReport } from "../experiments/format-experiment-report";
import { loadItemCategories } from "../experiments/load-item-categories";
import { readEventLogTree } from "../experiments/read-event-log-tree";

/** Options of {@link runExperimentReport}. */
export interface ExperimentReportCommandOptions {
  /** Event-log folder tree (R2 layout) or one NDJSON file. */
  events: string;
  /** Serving config JSON (the SERVING_CONFIG value); default: the built-in config (no experiments). */
  config?: string;
  /** items.ndjson or items.json for category diversity; default: `<events>/items.ndjson` when present. */
  items?: string;
  /** JSON output file. */
  out?: string;
}

/** The written report: {@link ExperimentReport} plus where the events came from. */
export interface ExperimentReportFile extends ExperimentReport {
  source: { events: string; files: number; duplicates: number; invalid_lines: number; config: string | null; items: string | null };
}

/** Runs the command; returns the report it printed and wrote. */
export async function runExperimentReport(options: ExperimentReportCommandOptions): Promise<ExperimentReportFile> {
  const config = parseServingConfig(options.config ? JSON.parse(await readFile(options.config, "utf8")) : undefined);
  const itemsPath = options.items ?? (await itemsBeside(options.events));
  const categories = itemsPath ? await loadItemCategories(itemsPath) : undefined;
  const log = await readEventLogTree(options.events);
  const report = buildExperimentReport(log.events, config, categories ? { categories } : {});
  const file: ExperimentReportFile = {
    source: {
      events: options.events,
      files: log.files.length,
      duplicates: log.duplicates,
      invalid_lines: log.issues.count,
      config: options.config ?? null,
      items: itemsPath ?? null,
    },
    ...report,
  };
  console.log(
    `read ${log.files.length} file(s): ${log.events.length} unique events, ${log.duplicates} duplicate(s) dropped, ${log.issues.count} invalid line(s)`,
  );
  const issues = log.issues.format();
  if (issues) console.log(issues);
  for (const line of formatExperimentReport(report)) console.log(line);
  if (options.out) {
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(file, null, 2)}\n`);
    console.log(`wrote ${options.out}`);
  }
  return file;
}

/** The event-log folder's items.ndjson next to (or inside) the events path, when there is one. */
async function itemsBeside(events: string): Promise<string | undefined> {
  const folder = (await stat(events)).isDirectory() ? events : dirname(events);
  const path = join(folder, EVENT_LOG_FILES.items);
  return (await stat(path).catch(() => undefined))?.isFile() ? path : undefined;
}
