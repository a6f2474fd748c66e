/**
 * The interaction event: what clients post to `/v1/events`, what the user's Durable Object stores,
 * what the event log holds and what the offline pipeline trains from. One schema for all of them.
 */
import { z } from "zod";

/** Event types, from weakest to strongest signal, then the negative ones. */
export const EVENT_TYPES = [
  "impression",
  "view",
  "click",
  "complete",
  "like",
  "save",
  "rating",
  "purchase",
  "skip",
  "not_interested",
  "hide",
] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Surfaces a request or event can come from. */
export const SURFACES = ["home", "more_like_this", "email"] as const;
export type Surface = (typeof SURFACES)[number];

/** Ids: 1–64 characters (Vectorize's id limit), letters, digits and `_-.:@`. */
export const idSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.:@-]+$/, "ids may contain letters, digits and _ - . : @");

/** Earliest and latest timestamps accepted (ms since epoch): 2000-01-01 to 2100-01-01. */
const MIN_TS = 946_684_800_000;
const MAX_TS = 4_102_444_800_000;

/** Schema of one interaction event. */
export const interactionEventSchema = z
  .object({
    /** Client-generated id; a replayed id is stored once. */
    event_id: idSchema,
    user_id: idSchema,
    item_id: idSchema,
    type: z.enum(EVENT_TYPES),
    /** Rating, dwell ms or completion ratio, depending on type. */
    value: z.number().finite().optional(),
    /** Milliseconds since epoch; defaults to the time the edge received it. */
    ts: z.number().int().min(MIN_TS).max(MAX_TS).optional(),
    /** The response (request_id) and slot (position) the interaction came from. */
    request_id: z.string().min(1).max(64).optional(),
    position: z.number().int().min(0).max(1000).optional(),
    context: z
      .object({
        surface: z.enum(SURFACES).optional(),
        device: z.string().max(32).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** One validated interaction event. */
export type InteractionEvent = z.infer<typeof interactionEventSchema>;
