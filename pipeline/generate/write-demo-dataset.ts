/**
 * Writes the synthetic demo dataset as an event-log folder (`items.ndjson`, `users.ndjson`,
 * `events.ndjson`, `dataset.json`, and with position bias `ground-truth.json`, which no loader
 * reads). The same options always give byte-identical files.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { GROUND_TRUTH_FILE, writeGroundTruth } from "../bias/ground-truth";
import { EVENT_LOG_FILES, type EventLogDescriptor } from "../data/event-log-folder";
import { writeNdjson } from "../data/write-ndjson";
import { generateDemoData, type DemoGeneratorOptions } from "./demo-generator";

/** Generates the demo data and writes it to `outDir` (created if missing); returns the descriptor. */
export async function writeDemoDataset(outDir: string, options: Partial<DemoGeneratorOptions> = {}): Promise<EventLogDescriptor> {
  const data = generateDemoData(options);
  await mkdir(outDir, { recursive: true });
  await writeNdjson(join(outDir, EVENT_LOG_FILES.items), data.items);
  await writeNdjson(join(outDir, EVENT_LOG_FILES.users), data.users);
  await writeNdjson(join(outDir, EVENT_LOG_FILES.events), data.events);
  await writeFile(join(outDir, EVENT_LOG_FILES.descriptor), `${JSON.stringify(data.descriptor, null, 2)}\n`);
  if (data.groundTruth) await writeGroundTruth(join(outDir, GROUND_TRUTH_FILE), data.groundTruth);
  return data.descriptor;
}
