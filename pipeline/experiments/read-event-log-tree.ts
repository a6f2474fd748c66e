/**
 * Reads an event log as the edge writes it to R2 (`events/dt=YYYY-MM-DD/hour=HH/<ms>-<request
 * id>.ndjson`, one InteractionEvent per line) from a local folder tree, or a single NDJSON file
 * such as an event-log folder's `events.ndjson`. Delivery to the log is at least once, so events
 * are deduplicated by (`user_id`, `event_id`) — ids are scoped per user (the first occurrence in path order wins).
 */
import { readdir, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { eventKey } from "../../shared/events/event-key";
import { type InteractionEvent, interactionEventSchema } from "../../shared/events/interaction-event";
import { EVENT_LOG_FILES } from "../data/event-log-folder";
import { LoadIssueLog } from "../data/load-issue-log";
import { readNdjson } from "../data/read-ndjson";

/** What {@link readEventLogTree} returns. */
export interface EventLogTree {
  /** Unique events, in path order then line order. */
  events: InteractionEvent[];
  /** NDJSON files read, relative to the root, sorted. */
  files: string[];
  /** Valid lines whose (`user_id`, `event_id`) was already read (replays of the at-least-once log). */
  duplicates: number;
  /** Lines skipped as invalid JSON or schema violations. */
  issues: LoadIssueLog;
}

/** Options of {@link readEventLogTree}. */
export interface ReadEventLogTreeOptions {
  /** File names never read as events (an event-log folder's catalogue and user files). */
  skipFiles: readonly string[];
  maxIssueSamples: number;
}

/** Defaults: skip `items.ndjson` and `users.ndjson`. */
export const READ_EVENT_LOG_TREE_DEFAULTS = {
  skipFiles: [EVENT_LOG_FILES.items, EVENT_LOG_FILES.users],
  maxIssueSamples: 20,
} as const satisfies ReadEventLogTreeOptions;

/** Reads every `*.ndjson` under `path` (recursively), or `path` itself when it is a file. */
export async function readEventLogTree(path: string, options: Partial<ReadEventLogTreeOptions> = {}): Promise<EventLogTree> {
  const opts = { ...READ_EVENT_LOG_TREE_DEFAULTS, ...options } satisfies ReadEventLogTreeOptions;
  const issues = new LoadIssueLog({ maxSamples: opts.maxIssueSamples });
  const info = await stat(path);
  const files = info.isDirectory() ? (await ndjsonFiles(path, opts.skipFiles)).map((file) => join(path, file)) : [path];
  const seen = new Set<string>();
  const events: InteractionEvent[] = [];
  let duplicates = 0;
  for (const file of files) {
    for await (const { value } of readNdjson(file, interactionEventSchema, issues)) {
      const key = eventKey(value);
      if (seen.has(key)) {
        duplicates++;
        continue;
      }
      seen.add(key);
      events.push(value);
    }
  }
  return { events, files: info.isDirectory() ? files.map((file) => relative(path, file)) : [path], duplicates, issues };
}

async function ndjsonFiles(root: string, skip: readonly string[]): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ndjson") && !skip.includes(entry.name))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}
