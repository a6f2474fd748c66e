/**
 * Loader for the project's own event-log folders (see `event-log-folder.ts`): streams the items,
 * users and events files line by line and builds the indexed {@link Dataset}.
 *
 * Replays of the at-least-once event log are dropped by (`user_id`, `event_id`) — event ids are
 * scoped per user, so the same id for two users is two events. Erasures are honoured: every event
 * of a user with a tombstone (`tombstones/<user_id>.json`) stamped at or before its `erased_at` is
 * dropped, and so is that user's profile line (it carries no time to prove it came later).
 *
 * With a `lake` (pipeline/data/lake/), the events the edge logged since are merged in: the lake's
 * tombstones join the folder's, its events are deduplicated together with the folder's (the same
 * event logged twice, or already in the folder, counts once), events of users the folder does not
 * know add those users, and the merged log is put in time order.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { isErasedEvent } from "../../shared/events/erasure-tombstone";
import { eventKey } from "../../shared/events/event-key";
import { type InteractionEvent, interactionEventSchema } from "../../shared/events/interaction-event";
import type { CatalogItem, Dataset, ItemCatalog, UserDirectory, UserProfile } from "./dataset";
import { DatasetFormatError } from "./detect-dataset-format";
import { EventLogBuilder, sortEventLogByTime, weightedInteractions } from "./event-log";
import { type DatasetEventWeights, defaultEventWeights } from "./dataset-event-weights";
import { EVENT_LOG_FILES, catalogItemRecordSchema, eventLogDescriptorSchema, userProfileRecordSchema } from "./event-log-folder";
import { IdIndex } from "./id-index";
import type { LakeSource } from "./lake/lake-source";
import { readLakeEvents, readLakeTombstones } from "./lake/read-lake";
import { LoadIssueLog } from "./load-issue-log";
import { readErasureTombstones } from "./read-erasure-tombstones";
import { readNdjson } from "./read-ndjson";
import { isFile } from "./file-kind";
import { isExplorationRequest } from "../bias/exploration-request";

/** Options of {@link loadEventLogFolder}. */
export interface EventLogFolderOptions {
  /** Overrides the descriptor's name. */
  name?: string;
  /** Name used when neither `name` nor a descriptor gives one. */
  fallbackName: string;
  maxIssueSamples: number;
  /** Events logged by the edge to merge in (the event lake). */
  lake?: LakeSource;
  /** Only the lake's partitions that end after this time (ms since epoch). */
  lakeSince?: number;
  /** The weight table (default: the shared default). */
  eventWeights?: DatasetEventWeights;
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
    if (!(await isFile(join(folder, required)))) {
      throw new DatasetFormatError(`event-log folder ${folder} has no ${required}`);
    }
  }
  const descriptorName = await readDescriptorName(join(folder, EVENT_LOG_FILES.descriptor), issues);
  const items = await readCatalog(join(folder, EVENT_LOG_FILES.items), issues);
  const erasedAt = await readErasureTombstones(folder, issues);
  if (opts.lake) {
    for (const [userId, at] of await readLakeTombstones(opts.lake, issues)) erasedAt.set(userId, Math.max(at, erasedAt.get(userId) ?? at));
  }
  const users = await readUsers(join(folder, EVENT_LOG_FILES.users), issues, erasedAt);

  const events = new EventLogBuilder();
  const eventsFile = EVENT_LOG_FILES.events;
  const seenEvents = new Set<string>();
  let erasedEvents = 0;
  let lakeRepeats = 0;
  /** Adds one event; `repeat` says what to do with one already added. */
  const add = (event: InteractionEvent, file: string, line: number, repeat: "report" | "count") => {
    const item = items.ids.indexOf(event.item_id);
    if (item < 0) {
      issues.record(file, line, `unknown item_id "${event.item_id}"`);
      return;
    }
    if (event.ts === undefined) {
      issues.record(file, line, "missing ts");
      return;
    }
    if (isErasedEvent(erasedAt, event.user_id, event.ts)) {
      erasedEvents++;
      return;
    }
    const key = eventKey(event);
    if (seenEvents.has(key)) {
      if (repeat === "count") lakeRepeats++;
      else issues.record(file, line, `duplicate event_id "${event.event_id}" of user "${event.user_id}"`);
      return;
    }
    seenEvents.add(key);
    let user = users.ids.indexOf(event.user_id);
    if (user < 0) {
      user = users.ids.add(event.user_id);
      users.profiles.push(undefined);
    }
    events.push(user, item, event.type, event.ts, event.value, {
      position: event.position,
      explored: isExplorationRequest(event.request_id),
    });
  };
  for await (const { line, value: event } of readNdjson(join(folder, eventsFile), interactionEventSchema, issues))
    add(event, eventsFile, line, "report");
  const fromFolder = seenEvents.size;
  let log = events.finish();
  if (opts.lake) {
    // At-least-once delivery logs some events twice: repeats are expected there, counted, not reported.
    for await (const { event, key, line } of readLakeEvents(
      opts.lake,
      issues,
      opts.lakeSince === undefined ? {} : { since: opts.lakeSince },
    )) {
      add(event, key, line, "count");
    }
    log = sortEventLogByTime(events.finish());
    issues.notes.push(
      `event lake (${opts.lake.description}): ${seenEvents.size - fromFolder} new event(s) merged, ${lakeRepeats} repeat(s) dropped by (user_id, event_id)`,
    );
  }
  if (erasedAt.size > 0) {
    issues.notes.push(`erasure tombstones: ${erasedAt.size} user(s); ${erasedEvents} event(s) stamped at or before their erasure dropped`);
  }
  const eventWeights = opts.eventWeights ?? defaultEventWeights("event-log");
  const { positives, negatives } = weightedInteractions(log, { users: users.ids.size, items: items.ids.size }, eventWeights.weights);
  return {
    name: opts.name ?? descriptorName ?? opts.fallbackName,
    format: "event-log",
    items,
    users,
    events: log,
    interactions: positives,
    negatives,
    eventWeights,
    issues,
  };
}

async function readDescriptorName(path: string, issues: LoadIssueLog): Promise<string | undefined> {
  if (!(await isFile(path))) return undefined;
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
  if (!(await isFile(path))) return directory;
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
