/**
 * How strongly each event says "the user wants this item" — one table for the edge's session
 * (item rows, fold-in, trending, bandit credit) and the offline pipeline (ALS confidence, negatives,
 * ranker labels). A positive weight is the confidence of a positive preference; a negative weight is
 * the confidence of a negative one (ALS: preference 0 with that confidence); 0 is exposure only.
 *
 * The per-type weights ({@link eventWeight}) are the whole story when an event has no `value`. When
 * it has one, {@link eventSignal} reads it as the event schema defines it
 * ({@link EVENT_VALUE_MEANING}): stars for `rating` (thresholds make a rating positive, weak or
 * negative), dwell milliseconds for `view` (capped log-scaled confidence, a bounce counts nothing),
 * the completed share for `complete`, the consumed share for `skip` (a skip after most of the item
 * is a weaker negative). The table is configurable ({@link parseEventWeights}; the pipeline's
 * `--event-weights <file.json>`, docs/pipeline.md "Event weights"); a release records it in its
 * manifest (`eventWeights`) and the edge's session weighs events with the serving release's table.
 */
import { z } from "zod";
import { EVENT_TYPES, type EventType } from "./interaction-event";

/** What an event's `value` means, per type (`none`: the value is ignored). */
export const EVENT_VALUE_MEANING = {
  impression: "none",
  view: "dwell_ms",
  click: "none",
  complete: "completed_share",
  like: "none",
  save: "none",
  rating: "stars",
  purchase: "none",
  skip: "consumed_share",
  not_interested: "none",
  hide: "none",
} as const satisfies Record<EventType, "none" | "dwell_ms" | "completed_share" | "consumed_share" | "stars">;

/** The weight table: per-type weights and how values scale them. JSON keys as in the config file. */
export interface EventWeights {
  /** Weight of one event of each type without a value (> 0 positive, < 0 negative, 0 exposure only). */
  types: Record<EventType, number>;
  /** `rating` events (value = stars). */
  rating: {
    /** Ratings ≥ this are positive: `types.rating` + `per_star` × (stars − positive_at_least). */
    positive_at_least: number;
    /** Confidence added per star above `positive_at_least` (and per star below `negative_at_most`). */
    per_star: number;
    /** Weight of a rating strictly between the thresholds (a weak positive; 0 = no evidence). */
    neutral_weight: number;
    /**
     * Ratings ≤ this are negative: −(`negative_weight` + `per_star` × (negative_at_most − stars)).
     * null: no rating is negative (those below `positive_at_least` get `neutral_weight`).
     */
    negative_at_most: number | null;
    /** Confidence of a rating exactly at `negative_at_most` (> 0; the sign is applied). */
    negative_weight: number;
  };
  /** `view` events (value = dwell in ms). */
  dwell: {
    /** Dwell below this counts nothing (a bounce). */
    min_seconds: number;
    /** `types.view` × min(max_factor, 1 + log₂(1 + seconds / reference_seconds)). */
    reference_seconds: number;
    max_factor: number;
  };
  /** `complete` (value = completed share) and `skip` (value = consumed share) events. */
  completion: {
    /** A `complete` at or above this share counts in full; below it, in proportion. */
    full_at: number;
  };
}

/** Confidence weight of one event of each type without a value (0 = exposure only, < 0 = negative). */
export const eventWeight = {
  impression: 0,
  view: 1,
  click: 1,
  complete: 3,
  like: 4,
  save: 3,
  rating: 2,
  purchase: 5,
  skip: -1,
  not_interested: -4,
  hide: -5,
} as const satisfies Record<EventType, number>;

/**
 * The default table: {@link eventWeight} per type; 4★ = 2, 5★ = 3, 3★ = 0.5 (weak), 2★ = −1,
 * 1★ = −2; a view under 5 s = 0 (a bounce), longer = 1 — dwell scaling is off (`max_factor` 1):
 * on the demo data, whose `complete` events already say how much was watched, a cap of 1.5 cost
 * 0.002 nDCG@10 and 4 cost more; raise it (e.g. 4: 1 min = 2, 3 min = 3, ≥ 7 min = 4) where dwell
 * is the main signal. A complete of ≥ 90 % = 3; a skip after 30 % = −0.7.
 */
export const DEFAULT_EVENT_WEIGHTS: EventWeights = {
  types: { ...eventWeight },
  rating: { positive_at_least: 4, per_star: 1, neutral_weight: 0.5, negative_at_most: 2, negative_weight: 1 },
  dwell: { min_seconds: 5, reference_seconds: 60, max_factor: 1 },
  completion: { full_at: 0.9 },
};

/**
 * The signed weight of one event under `weights`: > 0 positive confidence, < 0 negative, 0 none.
 * @example eventSignal("rating", 1) // → −2 (a 1-star rating is a dislike)
 * @example eventSignal("view", 60_000) // → 2 (one minute of dwell)
 */
export function eventSignal(type: EventType, value?: number, weights: EventWeights = DEFAULT_EVENT_WEIGHTS): number {
  const base = weights.types[type];
  if (value === undefined || !Number.isFinite(value)) return base;
  const meaning = EVENT_VALUE_MEANING[type];
  switch (meaning) {
    case "none":
      return base;
    case "stars":
      return ratingWeight(value, base, weights.rating);
    case "dwell_ms": {
      const seconds = value / 1000;
      if (seconds < weights.dwell.min_seconds) return 0;
      return base * Math.min(weights.dwell.max_factor, 1 + Math.log2(1 + Math.max(0, seconds) / weights.dwell.reference_seconds));
    }
    case "completed_share":
      return base * Math.min(1, Math.max(0, value) / weights.completion.full_at);
    case "consumed_share":
      return base * (1 - Math.min(1, Math.max(0, value)));
    default:
      return meaning satisfies never;
  }
}

function ratingWeight(stars: number, base: number, rating: EventWeights["rating"]): number {
  if (stars >= rating.positive_at_least) return base + rating.per_star * (stars - rating.positive_at_least);
  if (rating.negative_at_most !== null && stars <= rating.negative_at_most) {
    return -(rating.negative_weight + rating.per_star * (rating.negative_at_most - stars));
  }
  return rating.neutral_weight;
}

const finite = z.number().finite();
const nonNegative = finite.min(0);

/**
 * Schema of a weight-table file: every key optional (missing ones keep {@link DEFAULT_EVENT_WEIGHTS}),
 * unknown keys are errors, so a typo never silently falls back to a default.
 */
export const eventWeightsSchema = z
  .object({
    types: z
      .object(Object.fromEntries(EVENT_TYPES.map((type) => [type, finite.optional()])) as Record<EventType, z.ZodOptional<typeof finite>>)
      .strict()
      .optional(),
    rating: z
      .object({
        positive_at_least: finite.optional(),
        per_star: nonNegative.optional(),
        neutral_weight: finite.optional(),
        negative_at_most: finite.nullable().optional(),
        negative_weight: finite.positive().optional(),
      })
      .strict()
      .optional(),
    dwell: z
      .object({
        min_seconds: nonNegative.optional(),
        reference_seconds: finite.positive().optional(),
        max_factor: finite.min(1).optional(),
      })
      .strict()
      .optional(),
    completion: z
      .object({ full_at: finite.gt(0).max(1).optional() })
      .strict()
      .optional(),
    /** Free text for people (why these weights); ignored. */
    description: z.string().optional(),
  })
  .strict();

/** A weight table's JSON as written in a config file (partial; see {@link eventWeightsSchema}). */
export type EventWeightsInput = z.input<typeof eventWeightsSchema>;

/** A bad weight table; the message names each offending path. */
export class EventWeightsError extends Error {
  override name = "EventWeightsError";
}

/**
 * Validates `json` and merges it over `base` (default {@link DEFAULT_EVENT_WEIGHTS}); throws
 * {@link EventWeightsError} naming every bad path. Positive types must stay ≥ 0 and the negative
 * ones (`skip`, `not_interested`, `hide`) ≤ 0, and `negative_at_most` must be below `positive_at_least`.
 * @example parseEventWeights({ types: { hide: -8 }, rating: { negative_at_most: 1 } })
 */
export function parseEventWeights(json: unknown, base: EventWeights = DEFAULT_EVENT_WEIGHTS): EventWeights {
  const parsed = eventWeightsSchema.safeParse(json);
  if (!parsed.success) {
    throw new EventWeightsError(
      parsed.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`).join("; "),
    );
  }
  const input = parsed.data;
  const weights: EventWeights = {
    types: { ...base.types, ...definedEntries(input.types ?? {}) },
    rating: { ...base.rating, ...definedEntries(input.rating ?? {}) },
    dwell: { ...base.dwell, ...definedEntries(input.dwell ?? {}) },
    completion: { ...base.completion, ...definedEntries(input.completion ?? {}) },
  };
  const problems: string[] = [];
  for (const type of EVENT_TYPES) {
    const weight = weights.types[type];
    if (NEGATIVE_TYPES.has(type) ? weight > 0 : weight < 0) {
      problems.push(
        `types.${type}: ${weight} — ${type} is ${NEGATIVE_TYPES.has(type) ? "negative feedback (≤ 0)" : "not negative feedback (≥ 0)"}`,
      );
    }
  }
  const { positive_at_least, negative_at_most } = weights.rating;
  if (negative_at_most !== null && negative_at_most >= positive_at_least) {
    problems.push(`rating.negative_at_most: ${negative_at_most} must be below rating.positive_at_least (${positive_at_least})`);
  }
  if (problems.length > 0) throw new EventWeightsError(problems.join("; "));
  return weights;
}

/** The event types that are negative feedback. */
export const NEGATIVE_TYPES: ReadonlySet<EventType> = new Set(["skip", "not_interested", "hide"]);

function definedEntries<T extends object>(object: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]-?: Exclude<T[K], undefined>;
  };
}
