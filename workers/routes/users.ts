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
import { validate } from "../middleware/validate";
import { ApiError } from "../errors/api-error";
import { explorationConfigFor } from "../exploration/exploration-config";
import { ErasureStepError, eraseUser } from "../users/erase-user";
import { readValidatedJson } from "./read-json-body";

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

/** The users routes. */
export const usersRoute = new Hono<AppEnv>()
  .put("/:user_id/preferences", validate("param", paramSchema), async (c) => {
    const { user_id: userId } = c.req.valid("param");
    const preferences = await readValidatedJson(c.req.raw, 16 * 1024, preferencesSchema);
    const profile = await c.env.USER_SESSION.getByName(userId).setPreferences(preferences);
    return c.json({ user_id: userId, preferences: profile });
  })
  .get("/:user_id/state", adminAuth, validate("param", paramSchema), async (c) => {
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
    return c.json({ user_id: userId, ...state, arms, prior: { ...prior, preferenceBoost } });
  })
  .delete("/:user_id", validate("param", paramSchema), async (c) => {
    const { user_id: userId } = c.req.valid("param");
    try {
      return c.json(await eraseUser(c.env, userId));
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
  });
