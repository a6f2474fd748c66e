/**
 * Loader for the project's own event-log folders (see `event-log-folder.ts`): streams the items,
 * users and events files line by line and builds the indexed {@link Dataset}.
 *
 * Replays of the at-least-once event log are dropped by (`user_id`, `event_id`) — event ids are
 * scoped per user, so the same id for two users is two events. Erasures are honoured: every event
 * of a user with a tombstone (`tombstones/<user_id>.json`) stamped at or before its `erased_at` is
 * dropped, and so is that user's profile line (it carries no time to prove it came later).
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { isErasedEvent } from "../../shared/events/erasure-tombstone";
import { eventKey } from "../../shared/events/event-key";
import { interactionEventSchema } from "../../shared/events/interaction-event";
import type { CatalogItem, Dataset, ItemCatalog, UserDirectory, UserProfile } from "./dataset";
import { DatasetFormatError } from "./detect-dataset-format";
import { EventLogBuilder, positiveInteractions } from "./event-log";
import { EVENT_LOG_FILES, catalogItemRecordSchema, eventLogDescriptorSchema, userProfileRecordSchema } from "./event-log-folder";
import { IdIndex } from "./id-index";
import { LoadIssueLog } from "./load-issue-log";
import { readErasureTombstones } from "./read-erasure-tombstones";
import { readNdjson } from "./read-ndjson";

/** Options of {@link loadEventLogFolder}. */
export interface EventLogFolderOptions {
  /** Overrides the descriptor's name. */
  name?: string;
  /** Name used when neither `name` nor a descriptor gives one. */
  fallbackName: string;
  maxIssueSamples: number;
}

/**
 * Reads an event-log folder. `items.ndjson` and `events.ndjson` are required; `users.ndjson` and
 * `dataset.json` are optional. Events naming an item missing from the catalogue are skipped and
 * reported; users that only appear in events are added without a profile. What erasures removed
 * is counted in `issues.notes`.
 */
export async function loadEventLogFolder(folder: string, options: Partial<EventLogFolderOptions> = {}): Promise<Dataset> {
  const opts = { fallbackName: "dataset", maxIssueSamples: 20, ...options } satisfies EventLogFolderOptions;
  const issues = new LoadIssueLog({ maxSamples: opts.maxIssueSamples });
  for (const required of [EVENT_LOG_FILES.items, EVENT_LOG_FILES.events]) {
    if (!(await exists(join(folder, required)))) {
      throw new DatasetFormatError(`event-log folder ${folder} has no ${required}`);
    }
  }
  const descriptorName = await readDescriptorName(join(folder, EVENT_LOG_FILES.descriptor), issues);
  const items = await readCatalog(join(folder, EVENT_LOG_FILES.items), issues);
  const erasedAt = await readErasureTombstones(folder, issues);
  const users = await readUsers(join(folder, EVENT_LOG_FILES.users), issues, erasedAt);

  const events = new EventLogBuilder();
  const eventsFile = EVENT_LOG_FILES.events;
  const seenEvents = new Set<string>();
  let erasedEvents = 0;
  for await (const { line, value: event } of readNdjson(join(folder, eventsFile), interactionEventSchema, issues)) {
    const item = items.ids.indexOf(event.item_id);
    if (item < 0) {
      issues.record(eventsFile, line, `unknown item_id "${event.item_id}"`);
      continue;
    }
    if (event.ts === undefined) {
      issues.record(eventsFile, line, "missing ts");
      continue;
    }
    if (isErasedEvent(erasedAt, event.user_id, event.ts)) {
      erasedEvents++;
      continue;
    }
    const key = eventKey(event);
    if (seenEvents.has(key)) {
      issues.record(eventsFile, line, `duplicate event_id "${event.event_id}" of user "${event.user_id}"`);
      continue;
    }
    seenEvents.add(key);
    let user = users.ids.indexOf(event.user_id);
    if (user < 0) {
      user = users.ids.add(event.user_id);
      users.profiles.push(undefined);
    }
    events.push(user, item, event.type, event.ts, event.value);
  }
  const log = events.finish();
  if (erasedAt.size > 0) {
    issues.notes.push(`erasure tombstones: ${erasedAt.size} user(s); ${erasedEvents} event(s) stamped at or before their erasure dropped`);
  }
  return {
    name: opts.name ?? descriptorName ?? opts.fallbackName,
    format: "event-log",
    items,
    users,
    events: log,
    interactions: positiveInteractions(log, { users: users.ids.size, items: items.ids.size }),
    issues,
  };
}

async function readDescriptorName(path: string, issues: LoadIssueLog): Promise<string | undefined> {
  if (!(await exists(path))) return undefined;
  const file = EVENT_LOG_FILES.descriptor;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    issues.record(file, 1, `invalid JSON (${(error as Error).message})`);
    return undefined;
  }
  const parsed = eventLogDescriptorSchema.safeParse(json);
  if (!parsed.success) {
    issues.record(file, 1, `not an event-log descriptor: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return undefined;
  }
  return parsed.data.name;
}

async function readCatalog(path: string, issues: LoadIssueLog): Promise<ItemCatalog> {
  const catalog: ItemCatalog = { ids: new IdIndex(), items: [] };
  for await (const { line, value } of readNdjson(path, catalogItemRecordSchema, issues)) {
    if (catalog.ids.has(value.item_id)) {
      issues.record(EVENT_LOG_FILES.items, line, `duplicate item_id "${value.item_id}"`);
      continue;
    }
    const genres = value.genres ?? [];
    const item: CatalogItem = {
      id: value.item_id,
      title: value.title ?? value.item_id,
      genres,
      category: value.category ?? genres[0] ?? "unknown",
      releasedAt: value.released_at ?? 0,
      sponsored: value.sponsored ?? false,
    };
    catalog.ids.add(item.id);
    catalog.items.push(item);
  }
  return catalog;
}

async function readUsers(path: string, issues: LoadIssueLog, erasedAt: ReadonlyMap<string, number>): Promise<UserDirectory> {
  const directory: UserDirectory = { ids: new IdIndex(), profiles: [] };
  if (!(await exists(path))) return directory;
  for await (const { line, value } of readNdjson(path, userProfileRecordSchema, issues)) {
    if (erasedAt.has(value.user_id)) continue;
    if (directory.ids.has(value.user_id)) {
      issues.record(EVENT_LOG_FILES.users, line, `duplicate user_id "${value.user_id}"`);
      continue;
    }
    const profile: UserProfile = {};
    if (value.age_bucket !== undefined) profile.ageBucket = value.age_bucket;
    if (value.gender !== undefined) profile.gender = value.gender;
    if (value.country !== undefined) profile.country = value.country;
    if (value.device !== undefined) profile.device = value.device;
    directory.ids.add(value.user_id);
    directory.profiles.push(profile);
  }
  return directory;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
