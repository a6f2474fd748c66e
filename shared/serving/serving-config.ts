/**
 * Serving configuration: per surface, the number of items, the re-ranking rules (by name, in
 * order) and their parameters; the A/B experiments. Operators tune the system here, not in code.
 * The schema and its parser live here, platform-neutral, so the Worker (which reads it from the
 * `SERVING_CONFIG` var, workers/config/serving-config.ts) and the offline experiment report read
 * the same config the same way: merged over {@link DEFAULT_SERVING_CONFIG} and validated, an
 * unknown rule name or a bad parameter is an error that names the offending path, never a silent
 * default.
 */
import { z } from "zod";
import { type Surface, SURFACES } from "../events/interaction-event";
import { RANKER_NAMES } from "../ranking/ranker-name";

/** Names of the re-ranking rules, as written in config. */
export const RERANK_RULE_NAMES = ["mmr", "category_cap", "sponsored_cap", "fresh_boost"] as const;
export type RerankRuleName = (typeof RERANK_RULE_NAMES)[number];

const ruleSchemas = {
  mmr: z
    .object({ rule: z.literal("mmr"), lambda: z.number().min(0).max(1).default(0.7), k: z.number().int().min(1).max(100).default(20) })
    .strict(),
  category_cap: z
    .object({ rule: z.literal("category_cap"), max: z.number().int().min(1).default(3), window: z.number().int().min(1).default(10) })
    .strict(),
  sponsored_cap: z
    .object({ rule: z.literal("sponsored_cap"), max: z.number().int().min(0).default(2), window: z.number().int().min(1).default(20) })
    .strict(),
  fresh_boost: z
    .object({
      rule: z.literal("fresh_boost"),
      max_age_days: z.number().positive().default(30),
      boost: z.number().min(0).default(0.1),
      budget: z.number().int().min(0).default(2),
    })
    .strict(),
} satisfies Record<RerankRuleName, z.ZodType>;

/**
 * A schema for a list entry picked by a name field (`rule`, `source`): an unknown name is an
 * error that lists the known ones, and a bad parameter is reported under the entry's path.
 */
function namedEntrySchema<N extends string, S extends Record<N, z.ZodType>>(key: string, kind: string, schemas: S, names: readonly N[]) {
  return z.unknown().transform((raw, ctx) => {
    const name = typeof raw === "object" && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
    if (typeof name !== "string" || !Object.hasOwn(schemas, name)) {
      ctx.addIssue({ code: "custom", message: `unknown ${kind} ${JSON.stringify(name)} (known: ${names.join(", ")})` });
      return z.NEVER;
    }
    const parsed = schemas[name as N].safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: issue.path, message: `${name}: ${issue.message}` });
      return z.NEVER;
    }
    return parsed.data as z.output<S[N]>;
  });
}

const ruleSchema = namedEntrySchema("rule", "re-ranking rule", ruleSchemas, RERANK_RULE_NAMES);

/**
 * Candidate sources, as written in config: `ann` (nearest items to the user vector), `similar`
 * (nearest items to the request's seed item; `more_like_this` only), `session_similar` (nearest
 * items to each of the session's last `items` positively-interacted items, "because you watched
 * X"), `preferred` (the trending items of the categories the user picked at onboarding, while the
 * user's own history is short), `trending` (the live list, topped up with the trained popular
 * list) and `fresh` (items recently added to the catalogue).
 */
export const CANDIDATE_SOURCE_NAMES = ["ann", "similar", "session_similar", "preferred", "trending", "fresh"] as const;
export type CandidateSourceName = (typeof CANDIDATE_SOURCE_NAMES)[number];

const topK = (fallback: number, max = 100) => z.number().int().min(1).max(max).default(fallback);
const sourceSchemas = {
  ann: z.object({ source: z.literal("ann"), top_k: topK(100) }).strict(),
  similar: z.object({ source: z.literal("similar"), top_k: topK(100) }).strict(),
  session_similar: z
    .object({
      source: z.literal("session_similar"),
      /** Candidates the source gives at most (the recent items' neighbours interleaved, best first). */
      top_k: topK(30),
      /** How many of the session's most recent positively-interacted items are queried (one index query each). */
      items: z.number().int().min(1).max(10).default(3),
    })
    .strict(),
  preferred: z
    .object({
      source: z.literal("preferred"),
      /** Candidates per preferred category (the category's live trending list, topped up with its popular list). */
      top_k: topK(10),
      /** The source serves while the user has fewer interactions than this (trained + session); 0 = always. */
      max_activity: z.number().int().min(0).default(20),
    })
    .strict(),
  trending: z.object({ source: z.literal("trending"), top_k: topK(50) }).strict(),
  fresh: z.object({ source: z.literal("fresh"), top_k: topK(20, 200) }).strict(),
} satisfies Record<CandidateSourceName, z.ZodType>;

const sourcesSchema = z
  .array(namedEntrySchema("source", "candidate source", sourceSchemas, CANDIDATE_SOURCE_NAMES))
  .min(1)
  .max(CANDIDATE_SOURCE_NAMES.length)
  .refine((sources) => new Set(sources.map((entry) => entry.source)).size === sources.length, "each candidate source may appear once");

/** One configured candidate source with its parameters. */
export type CandidateSourceConfig = { [K in CandidateSourceName]: z.output<(typeof sourceSchemas)[K]> }[CandidateSourceName];

/** Candidate sources of a surface whose config does not list them. */
export const DEFAULT_CANDIDATE_SOURCES = {
  home: [
    { source: "preferred", top_k: 10, max_activity: 20 },
    { source: "ann", top_k: 100 },
    { source: "session_similar", top_k: 30, items: 3 },
  ],
  more_like_this: [{ source: "similar", top_k: 100 }],
  email: [{ source: "ann", top_k: 100 }],
} as const satisfies Record<Surface, readonly CandidateSourceConfig[]>;

/** One configured re-ranking rule with its parameters. */
export type RerankRuleConfig = { [K in RerankRuleName]: z.output<(typeof ruleSchemas)[K]> }[RerankRuleName];

const surfaceSchema = z
  .object({
    /** Items returned when the request does not say. */
    n: z.number().int().min(1).max(100),
    /** Where candidates come from, merged in this order (the first source to find an item keeps it); default {@link DEFAULT_CANDIDATE_SOURCES}. */
    sources: sourcesSchema.optional(),
    rerank: z
      .array(ruleSchema)
      .refine(
        (rules) => rules.findIndex((rule) => rule.rule === "fresh_boost") <= 0,
        "fresh_boost re-sorts by score, so it must be the first rule",
      ),
  })
  .strict();

const armSchema = z
  .object({
    name: z.string().min(1).max(32),
    weight: z.number().positive(),
    /** What this arm changes for the users in it. */
    overrides: z
      .object({
        /** Serve with this ranker (the ladder below it still applies). */
        ranker: z.enum(RANKER_NAMES).optional(),
        /** MMR λ for every mmr rule of the surface. */
        mmr_lambda: z.number().min(0).max(1).optional(),
        /** Share of the list given to exploration slots. */
        exploration_share: z.number().min(0).max(0.5).optional(),
        /** Candidate sources replacing the surface's. */
        sources: sourcesSchema.optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

const experimentSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(32)
      .regex(/^[a-z0-9_-]+$/, "experiment ids are lowercase letters, digits, _ and -"),
    traffic: z.number().min(0).max(1),
    /** Surfaces the experiment applies to (default: all). */
    surfaces: z.array(z.enum(SURFACES)).optional(),
    arms: z.array(armSchema).min(1).max(10),
  })
  .strict()
  .refine((experiment) => new Set(experiment.arms.map((arm) => arm.name)).size === experiment.arms.length, "arm names must be unique");

/** One configured experiment. */
export type ExperimentConfig = z.output<typeof experimentSchema>;

const servingConfigSchema = z
  .object({
    surfaces: z
      .object(
        Object.fromEntries(SURFACES.map((surface) => [surface, surfaceSchema])) as Record<(typeof SURFACES)[number], typeof surfaceSchema>,
      )
      .strict(),
    /** Shadow mode: this ranker also scores every request's candidates without serving; agreement is logged. */
    shadow_ranker: z.enum(RANKER_NAMES).optional(),
    experiments: z
      .array(experimentSchema)
      .default([])
      .refine((list) => new Set(list.map((experiment) => experiment.id)).size === list.length, "experiment ids must be unique"),
  })
  .strict()
  .superRefine((config, ctx) => {
    // `similar` needs the seed item only `more_like_this` requests carry.
    const similarOutsideMoreLikeThis = "the similar source needs a seed item, which only more_like_this requests carry";
    for (const surface of SURFACES) {
      if (surface === "more_like_this") continue;
      const index = config.surfaces[surface].sources?.findIndex((entry) => entry.source === "similar") ?? -1;
      if (index >= 0) ctx.addIssue({ code: "custom", path: ["surfaces", surface, "sources", index], message: similarOutsideMoreLikeThis });
    }
    config.experiments.forEach((experiment, e) => {
      const onlyMoreLikeThis = experiment.surfaces?.length === 1 && experiment.surfaces[0] === "more_like_this";
      experiment.arms.forEach((arm, a) => {
        const index = arm.overrides.sources?.findIndex((entry) => entry.source === "similar") ?? -1;
        if (index >= 0 && !onlyMoreLikeThis) {
          ctx.addIssue({
            code: "custom",
            path: ["experiments", e, "arms", a, "overrides", "sources", index],
            message: `${similarOutsideMoreLikeThis} (limit the experiment to surfaces ["more_like_this"])`,
          });
        }
      });
    });
  });

/** The validated serving configuration. */
export type ServingConfig = z.output<typeof servingConfigSchema>;

/** Built-in defaults; `SERVING_CONFIG` overrides whole surfaces and sets the experiments. */
export const DEFAULT_SERVING_CONFIG = {
  surfaces: {
    home: {
      n: 10,
      sources: DEFAULT_CANDIDATE_SOURCES.home,
      rerank: [
        { rule: "fresh_boost", max_age_days: 30, boost: 0.1, budget: 2 },
        { rule: "mmr", lambda: 0.7, k: 20 },
        { rule: "category_cap", max: 3, window: 10 },
        { rule: "sponsored_cap", max: 2, window: 20 },
      ],
    },
    more_like_this: { n: 10, sources: DEFAULT_CANDIDATE_SOURCES.more_like_this, rerank: [{ rule: "sponsored_cap", max: 2, window: 20 }] },
    email: {
      n: 6,
      sources: DEFAULT_CANDIDATE_SOURCES.email,
      rerank: [
        { rule: "mmr", lambda: 0.5, k: 6 },
        { rule: "category_cap", max: 2, window: 6 },
        { rule: "sponsored_cap", max: 1, window: 6 },
      ],
    },
  },
  experiments: [],
} as const;

/** Thrown when the serving configuration is invalid; the message lists every problem. */
export class ServingConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid SERVING_CONFIG: ${problems.join("; ")}`);
    this.name = "ServingConfigError";
  }
}

/** Validates `raw` (the parsed `SERVING_CONFIG` JSON, or undefined) merged over the defaults. */
export function parseServingConfig(raw: unknown): ServingConfig {
  const overrides = (raw ?? {}) as { surfaces?: Record<string, unknown> };
  const merged = {
    ...DEFAULT_SERVING_CONFIG,
    ...overrides,
    surfaces: { ...DEFAULT_SERVING_CONFIG.surfaces, ...(overrides.surfaces ?? {}) },
  };
  const parsed = servingConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ServingConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`));
  }
  return parsed.data;
}
