/**
 * Per-user routes backed by the user's UserSession Durable Object.
 *
 * - `PUT    /v1/users/:user_id/preferences` — onboarding: preferred categories (≤ 20) and optional
 *   demographics `{age_bucket, gender, country, device}`. They seed the first user vector (the
 *   categories as pseudo-interactions in the fold-in, the demographics as the mean vector of the
 *   user's segments) and weight the bandit's category arms, before the first event.
 * - `GET    /v1/users/:user_id/state` (admin) — everything the object holds: arms with their
 *   posteriors, category affinity, the folded-in vector, profile, counts, retention.
 * - `DELETE /v1/users/:user_id` (admin) — erase the user's session state.
 *
 * @example
 * curl -X PUT http://127.0.0.1:8787/v1/users/u-new/preferences -H 'content-type: application/json' \
 *   -d '{"categories":["Comedy","Drama"],"demographics":{"age_bucket":"25-34","country":"DE"}}'
 */
import { Hono } from "hono";
import { z } from "zod";
import { armPosterior, parseArmName } from "../../shared/bandits/beta-arm";
import { idSchema } from "../../shared/events/interaction-event";
import type { AppEnv } from "../app-env";
import { adminAuth } from "../middleware/admin-auth";
import { validate } from "../middleware/validate";
import { explorationConfigFor } from "../recommend/exploration-config";
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
  .delete("/:user_id", adminAuth, validate("param", paramSchema), async (c) => {
    const { user_id: userId } = c.req.valid("param");
    await c.env.USER_SESSION.getByName(userId).erase();
    return c.json({ user_id: userId, erased: true });
  });
