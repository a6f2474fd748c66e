/**
 * How long the edge keeps and accepts user data, from wrangler.toml vars — one reader for the events
 * route (which timestamps it accepts) and the UserSession object (when it deletes state and forgets
 * event ids), so they always agree.
 */
import type { EventTimeWindow } from "../../shared/events/event-time-window";
import { DAY_MS } from "../../shared/realtime/decay-factor";
import { USER_SESSION_LIMITS } from "../../shared/session/user-session-limits";
import { positiveNumberVar } from "./env-vars";

/** Default of EVENT_MAX_FUTURE_SECONDS: how far ahead of the edge's clock an event may be stamped. */
export const DEFAULT_EVENT_MAX_FUTURE_SECONDS = 300;

const HOUR_MS = 3_600_000;

/** Retention settings of this environment, in milliseconds. */
export interface RetentionConfig {
  /** A user's state is deleted after this long without activity; event ids are remembered this long (USER_RETENTION_DAYS). */
  userMs: number;
  /** An object holding only served items is deleted this long after the last one (STRANGER_RETENTION_HOURS). */
  strangerMs: number;
}

/** The retention settings of this environment. */
export function retentionConfigFor(env: Pick<Env, "USER_RETENTION_DAYS" | "STRANGER_RETENTION_HOURS">): RetentionConfig {
  return {
    userMs: positiveNumberVar(env.USER_RETENTION_DAYS, USER_SESSION_LIMITS.retentionDays) * DAY_MS,
    strangerMs: positiveNumberVar(env.STRANGER_RETENTION_HOURS, USER_SESSION_LIMITS.strangerRetentionHours) * HOUR_MS,
  };
}

/** The accepted `ts` window of this environment (EVENT_MAX_FUTURE_SECONDS ahead, USER_RETENTION_DAYS back). */
export function eventTimeWindowFor(
  env: Pick<Env, "EVENT_MAX_FUTURE_SECONDS" | "USER_RETENTION_DAYS" | "STRANGER_RETENTION_HOURS">,
): EventTimeWindow {
  return {
    maxFutureMs: positiveNumberVar(env.EVENT_MAX_FUTURE_SECONDS, DEFAULT_EVENT_MAX_FUTURE_SECONDS) * 1000,
    maxAgeMs: retentionConfigFor(env).userMs,
  };
}
