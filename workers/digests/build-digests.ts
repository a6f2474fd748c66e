/**
 * Email digests for many users: the `email` surface (the full funnel without anything the user was
 * already shown; what a digest serves is recorded, so the next digest does not repeat it) run for
 * each user, a few at a time, within a time budget. Used by `POST /v1/admin/digests` and by the
 * nightly scheduled job (workers/scheduled/email-digests.ts).
 *
 * Each user is served from their own release (the canary's for the canary's share of users, else the
 * current one), as `GET /v1/recommendations` would serve them, so the canary arm a digest is counted
 * under is the release that built it.
 */
import { errorMessage } from "../../shared/errors/error-message";
import type { Logger } from "../logger/logger";
import type { RecommendResponse } from "../recommend/recommend-response";
import { serveRecommendation } from "../recommend/serve-recommendation";
import { envForUser, releaseOf, unscopedKv } from "../releases/serving-release";

/** One user's digest. */
export interface Digest {
  user_id: string;
  request_id: string;
  arms: RecommendResponse["arms"];
  items: RecommendResponse["items"];
  fallbacks: RecommendResponse["fallbacks"];
}

/** What a batch of digests produced. */
export interface DigestBatch {
  /** In the order the users were given. */
  digests: Digest[];
  /** Users whose digest could not be built, with why. */
  failed: { user_id: string; error: string }[];
  /** Users not started within the budget. */
  pending: string[];
}

/** Options of {@link buildDigests}. */
export interface DigestOptions {
  /** Each digest's request id is `<prefix>:<user id>` (at most 64 characters). */
  requestIdPrefix: string;
  /** Items per digest; default: the `email` surface's configured n. */
  n?: number;
  /** Digests started after this many ms are left pending. */
  budgetMs: number;
  /** Digests built at once. */
  concurrency: number;
  /** Where background work (exposures, counters) goes. */
  waitUntil: (promise: Promise<unknown>) => void;
  logger: Logger;
}

/**
 * Builds the digests of `userIds` (repeats dropped).
 *
 * @example
 * const { digests, failed, pending } = await buildDigests(env, ["u00001", "u00002"], {
 *   requestIdPrefix: "req-1", budgetMs: 10_000, concurrency: 4, waitUntil: (p) => ctx.waitUntil(p), logger,
 * });
 */
export async function buildDigests(env: Env, userIds: readonly string[], options: DigestOptions): Promise<DigestBatch> {
  const started = Date.now();
  const base = releaseOf(env) ? ({ ...env, KV: unscopedKv(env) } as Env) : env;
  const users = [...new Set(userIds)];
  const digests: Digest[] = [];
  const failed: DigestBatch["failed"] = [];
  let next = 0;
  const worker = async () => {
    while (next < users.length && Date.now() - started < options.budgetMs) {
      const userId = users[next++]!;
      const requestId = `${options.requestIdPrefix}:${userId}`.slice(0, 64);
      try {
        const response = await serveRecommendation(
          await envForUser(base, userId),
          { requestId, userId, surface: "email", ...(options.n ? { n: options.n } : {}) },
          options.waitUntil,
          options.logger.child({ request_id: requestId }),
        );
        digests.push({
          user_id: userId,
          request_id: response.request_id,
          arms: response.arms,
          items: response.items,
          fallbacks: response.fallbacks,
        });
      } catch (error) {
        failed.push({ user_id: userId, error: errorMessage(error, 200) });
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const order = new Map(users.map((user, index) => [user, index]));
  digests.sort((a, b) => order.get(a.user_id)! - order.get(b.user_id)!);
  return { digests, failed, pending: users.slice(next) };
}
