/**
 * Per-user routes backed by the user's UserSession Durable Object.
 *
 * Access (app.ts): preferences and erasure need `events:write` — a server key for any user, a user
 * token for its own user only; the state needs `admin`.
 *
 * - `PUT    /v1/users/:user_id/preferences` — onboarding: preferred categories (≤ 20) and optional
 *   demographics `{age_bucket, gender, country, device}`. They seed the first user vector (the
 *   categories as pseudo-interactions in the fold-in, the demographics as the mean vector of the
 *   user's segments) and weight the bandit's category arms, before the first event.
 * - `GET    /v1/users/:user_id/state` (admin) — everything the object holds: arms with their
 *   posteriors, category affinity, the folded-in vector, profile, counts, retention.
 * - `DELETE /v1/users/:user_id` — erase the user (right to erasure; the user themself, their
 *   customer's backend or an admin): an erasure tombstone in the event log (the
 *   next trained model forgets their events), the trained KV record, the session state
 *   (workers/users/erase-user.ts). Repeating it is safe.
 *
 * @example
 * curl -X PUT http://127.0.0.1:8787/v1/users/u-new/preferences -H "authorization: Bearer $KEY" -H 'content-type: application/json' \
 *   -d '{"categories":["Comedy","Drama"],"demographics":{"age_bucket":"25-34","country":"DE"}}'
 */
import { Hono } from "hono";
import { z } from "zod";
import { armPosterior, parseArmName } from "../../shared/bandits/beta-arm";
import { idSchema } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { adminAuth } from "../middleware/admin-auth";
import { jsonBody } from "../middleware/json-body";
import { validate } from "../middleware/validate";
import { operation } from "../openapi/operation";
import { ApiError } from "../errors/api-error";
import { explorationConfigFor } from "../exploration/exploration-config";
import { ErasureStepError, eraseUser } from "../users/erase-user";

/** Most preferred categories per user. */
export const MAX_PREFERRED_CATEGORIES = 20;

const paramSchema = z.object({ user_id: idSchema });
const demographicValue = z.string().trim().min(1).max(32);
const preferencesSchema = z
  .object({
    categories: z.array(z.string().min(1).max(64)).max(MAX_PREFERRED_CATEGORIES),
    demographics: z
      .object({ age_bucket: demographicValue, gender: demographicValue, country: demographicValue, device: demographicValue })
      .partial()
      .strict()
      .optional(),
  })
  .strict();

const demographicsResponse = z.object({
  age_bucket: z.string(),
  gender: z.string(),
  country: z.string(),
  device: z.string(),
});
const profileResponse = z.object({
  categories: z.array(z.string()),
  demographics: demographicsResponse.partial().optional(),
  updatedAt: z.number().describe("Milliseconds since epoch."),
});
const preferencesResponse = z.object({ user_id: z.string(), preferences: profileResponse });
const stateResponse = z.looseObject({
  user_id: z.string(),
  profile: profileResponse.nullable(),
  counts: z.record(z.string(), z.number()),
  affinity: z.record(z.string(), z.number()),
  arms: z.array(
    z.looseObject({
      arm: z.string(),
      posterior: z.looseObject({ alpha: z.number(), beta: z.number(), mean: z.number() }),
    }),
  ),
  sessionVector: z.looseObject({}).nullable(),
  seedVector: z.array(z.number()).nullable(),
  retention: z.object({ lastActivity: z.number().nullable(), deleteAfter: z.number().nullable(), alarm: z.number().nullable() }),
  recent: z.array(z.object({ itemId: z.string(), type: z.string(), ts: z.number(), value: z.number().nullable() })),
  prior: z.looseObject({ alpha: z.number(), beta: z.number(), preferenceBoost: z.number() }),
});
const erasureResponse = z.object({
  user_id: z.string(),
  erased_at: z.string().describe("ISO 8601; events stamped at or before it are forgotten offline."),
  tombstone: z.string().describe("The tombstone's event log key."),
  erased: z.object({ tombstone: z.literal(true), user_record: z.literal(true), session: z.literal(true), digest_opt_in: z.literal(true) }),
});

/** The users routes. */
export const usersRoute = new Hono<AppEnv>()
  .put(
    "/:user_id/preferences",
    operation({
      summary: "Onboarding: a user's preferred categories and demographics",
      description: "They seed the first user vector and weight the bandit's category arms, before the first event.",
      tag: "users",
      access: "events:write",
      response: preferencesResponse,
      errors: [413, 503],
    }),
    validate("param", paramSchema),
    jsonBody(preferencesSchema, { maxBytes: 16 * 1024 }),
    async (c) => {
      const { user_id: userId } = c.req.valid("param");
      const profile = await c.env.USER_SESSION.getByName(userId).setPreferences(c.req.valid("json"));
      return c.json({ user_id: userId, preferences: profile } satisfies z.input<typeof preferencesResponse>);
    },
  )
  .get(
    "/:user_id/state",
    operation({
      summary: "Everything the user's session object holds",
      description: "Arms with their posteriors, category affinity, the folded-in vector, profile, counts, retention.",
      tag: "users",
      access: "admin",
      response: stateResponse,
    }),
    adminAuth,
    validate("param", paramSchema),
    async (c) => {
      const { user_id: userId } = c.req.valid("param");
      const state = await c.env.USER_SESSION.getByName(userId).inspect();
      const { prior, preferenceBoost } = explorationConfigFor(c.env);
      const preferred = new Set(state.profile?.categories ?? []);
      const arms = state.arms.map((arm) => {
        const parsedArm = parseArmName(arm.arm);
        const boost = parsedArm?.kind === "category" && preferred.has(parsedArm.name) ? preferenceBoost : 0;
        const posterior = armPosterior(arm, { alpha: prior.alpha + boost, beta: prior.beta });
        return { ...arm, posterior: { ...posterior, mean: posterior.alpha / (posterior.alpha + posterior.beta) } };
      });
      return c.json({ user_id: userId, ...state, arms, prior: { ...prior, preferenceBoost } } satisfies z.input<typeof stateResponse>);
    },
  )
  .delete(
    "/:user_id",
    operation({
      summary: "Erase a user (right to erasure)",
      description:
        "A tombstone in the event log (the next trained model forgets their events), the trained KV record, the session state and the digest opt-in. Repeating it is safe.",
      tag: "users",
      access: "events:write",
      response: erasureResponse,
      errors: [503],
    }),
    validate("param", paramSchema),
    async (c) => {
      const { user_id: userId } = c.req.valid("param");
      try {
        return c.json((await eraseUser(c.env, userId)) satisfies z.input<typeof erasureResponse>);
      } catch (error) {
        if (!(error instanceof ErasureStepError)) throw error;
        c.var.logger.error("erasure_failed", { stage: "erasure", step: error.step, error: error.message });
        c.header("retry-after", "1");
        const code = error.step === "tombstone" ? "event_log_unavailable" : error.step === "session" ? "session_unavailable" : "internal";
        throw new ApiError(503, code, `the erasure did not finish (${error.step}); repeating the request is safe`, {
          user_id: userId,
          step: error.step,
        });
      }
    },
  );
