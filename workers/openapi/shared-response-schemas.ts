/**
 * Pieces several responses share, as zod schemas for the OpenAPI document: a served item, the
 * fallbacks a request took, stage timings. Routes compose them into their response schemas.
 */
import { z } from "zod";
import { FALLBACK_LADDER } from "../../shared/fallbacks/fallback-ladder";

const CANDIDATE_SOURCES = ["ann", "popular", "similar", "session_similar", "preferred", "trending", "fresh", "exploration"] as const;
const REASON_CODES = [
  "because_you_watched",
  "similar_to",
  "trending_in_category",
  "new_in_category",
  "exploring_category",
  "preferred_category",
  "popular",
  "picked_for_you",
] as const;

const ladder = <K extends "stage" | "reason" | "used">(key: K) =>
  [...new Set(FALLBACK_LADDER.map((row) => row[key]))] as [(typeof FALLBACK_LADDER)[number][K], ...(typeof FALLBACK_LADDER)[number][K][]];

/** One rung of the fallback ladder a request took (shared/fallbacks/fallback-ladder.ts). */
export const fallbackSchema = z
  .object({
    stage: z.enum(ladder("stage")),
    reason: z.enum(ladder("reason")),
    used: z.enum(ladder("used")),
    detail: z.string().optional(),
  })
  .meta({ id: "Fallback", description: "A stage that could not serve as planned, why, and what served instead (docs/fallbacks.md)." });

/** Why an item is recommended (shared/explain/reason.ts). */
export const reasonSchema = z
  .object({ code: z.enum(REASON_CODES), text: z.string(), item_id: z.string().optional(), category: z.string().optional() })
  .meta({ id: "Reason" });

/** An item in a list the API serves, with the source that found it. */
export const servedItemSchema = z
  .object({
    item_id: z.string(),
    score: z.number(),
    source: z.enum(CANDIDATE_SOURCES),
    category: z.string().optional(),
  })
  .meta({ id: "ServedItem" });

/** Milliseconds spent in each stage of the request, and `total`. */
export const timingsSchema = z.record(z.string(), z.number()).meta({ id: "Timings" });

/** An item's metadata in the vector index (shared/artifacts/item-metadata.ts). */
export const itemMetadataSchema = z
  .object({
    category: z.string(),
    popularity: z.number(),
    released_at: z.number().describe("Seconds since epoch."),
    sponsored: z.boolean(),
    title: z.string(),
    genres: z.array(z.string()),
  })
  .meta({ id: "ItemMetadata" });

/** A proportion with its 95 % Wilson interval (shared/experiments/wilson-interval.ts). */
const proportionSchema = z.object({ value: z.number(), low: z.number(), high: z.number() });

/** One experiment's live per-arm report (experiments/experiment-report.ts). */
export const experimentReportSchema = z
  .object({
    experiment: z.string(),
    traffic: z.number(),
    control: z.string(),
    arms: z.array(
      z.object({
        arm: z.string(),
        counters: z.record(z.string(), z.number()),
        ctr: proportionSchema,
        conversion_rate: proportionSchema,
        empty_rate: z.number(),
        latency_p99_ms: z.number().nullable(),
        coverage: z.object({ distinct_items: z.number(), share_of_catalogue: z.number().nullable() }),
        category_diversity: z.number().nullable(),
        categories_per_list: z.number().nullable(),
        guardrails: z.object({ latency_p99: z.enum(["pass", "fail", "no_data"]), empty_rate: z.enum(["pass", "fail"]) }).optional(),
      }),
    ),
  })
  .meta({ id: "ExperimentReport" });
