/**
 * The project's own dataset folder format ("event-log"): the files the demo generator writes and
 * the shape an exported production event log takes. One JSON object per line in each file.
 *
 * ```
 * <folder>/dataset.json    descriptor: name, source, generator options, counts (optional)
 * <folder>/items.ndjson    one CatalogItemRecord per line
 * <folder>/users.ndjson    one UserProfileRecord per line (optional)
 * <folder>/events.ndjson   one InteractionEvent per line, sorted by ts
 * ```
 */
import { z } from "zod";
import { idSchema } from "../../shared/events/interaction-event";

/** File names inside an event-log folder. */
export const EVENT_LOG_FILES = {
  descriptor: "dataset.json",
  items: "items.ndjson",
  users: "users.ndjson",
  events: "events.ndjson",
} as const;

/** The `format` value written into `dataset.json`. */
export const EVENT_LOG_FORMAT = "event-log" as const;

/** One line of `items.ndjson`. Only `item_id` is required; the rest defaults sensibly. */
export const catalogItemRecordSchema = z.object({
  item_id: idSchema,
  title: z.string().max(500).optional(),
  genres: z.array(z.string().min(1).max(64)).max(32).optional(),
  /** Primary category; defaults to the first genre. */
  category: z.string().min(1).max(64).optional(),
  /** Release time, seconds since epoch. */
  released_at: z.number().int().optional(),
  sponsored: z.boolean().optional(),
});

/** One line of `items.ndjson`. */
export type CatalogItemRecord = z.infer<typeof catalogItemRecordSchema>;

/** One line of `users.ndjson`: the id plus optional demographics. */
export const userProfileRecordSchema = z.object({
  user_id: idSchema,
  age_bucket: z.string().max(16).optional(),
  gender: z.string().max(32).optional(),
  country: z.string().max(8).optional(),
  device: z.string().max(32).optional(),
});

/** One line of `users.ndjson`. */
export type UserProfileRecord = z.infer<typeof userProfileRecordSchema>;

/** Contents of `dataset.json`. */
export interface EventLogDescriptor {
  format: typeof EVENT_LOG_FORMAT;
  formatVersion: 1;
  /** Short dataset name used for artifact folders and the manifest (e.g. `demo`). */
  name: string;
  /** What produced the folder (e.g. `demo-generator`). */
  source: string;
  /** Options the generator ran with, when generated. */
  generator?: Record<string, unknown>;
  counts: { items: number; users: number; events: number };
}

/** Schema of `dataset.json` (unknown keys are kept for forward compatibility). */
export const eventLogDescriptorSchema = z.looseObject({
  format: z.literal(EVENT_LOG_FORMAT),
  formatVersion: z.literal(1),
  name: z.string().min(1).max(64),
  source: z.string(),
  generator: z.record(z.string(), z.unknown()).optional(),
  counts: z.object({ items: z.number(), users: z.number(), events: z.number() }),
});
