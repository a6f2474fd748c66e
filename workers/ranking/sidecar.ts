/**
 * The sidecar ranker: posts feature rows to the ranking sidecar (`POST {RANKER_URL}/v1/rank`) and
 * reads back one score per row. Timeouts, connection errors and non-200 answers become
 * {@link RankerError}s so the funnel can fall back (to the light ranker); `services.ts` puts it
 * behind a circuit breaker (`circuit-breaker-ranker.ts`).
 */
import { z } from "zod";
import { RankerError, type Ranker, type RankRequest, type RankResult } from "./ranker";

/** Options of {@link createSidecarRanker}. */
export interface SidecarRankerOptions {
  /** Base URL of the sidecar, e.g. `http://127.0.0.1:8788`. */
  baseUrl: string;
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  /** The fetch to use (a service binding's fetch in some deployments). */
  fetch?: typeof fetch;
}

const rankResponseSchema = z.object({
  scores: z.array(z.number()),
  model_version: z.string().optional(),
});

/**
 * A ranker backed by the gpu-sidecar service.
 *
 * @example
 * const sidecar = createSidecarRanker({ baseUrl: env.RANKER_URL, timeoutMs: 250 });
 * await sidecar.rank({ rows, featureSpecHash: FEATURE_SPEC.hash }); // { scores: [...], modelVersion: "..." }
 */
export function createSidecarRanker(options: SidecarRankerOptions): Ranker {
  const { baseUrl, timeoutMs, fetch: fetchImpl } = { timeoutMs: 250, fetch: globalThis.fetch, ...options };
  const url = new URL("/v1/rank", baseUrl).toString();
  return {
    name: "sidecar",
    async rank({ rows, featureSpecHash }: RankRequest): Promise<RankResult> {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          // The sidecar gives up at the same deadline, so it never scores a request the Worker abandoned.
          body: JSON.stringify({ feature_spec_hash: featureSpecHash, rows, timeout_ms: timeoutMs }),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        throw new RankerError(timedOut ? "timeout" : "unavailable", `sidecar ${timedOut ? "timed out" : "unreachable"}: ${String(error)}`);
      }
      if (!response.ok) {
        const body = await response.text().catch(() => "");
        throw new RankerError(
          response.status >= 500 ? "unavailable" : "rejected",
          `sidecar answered ${response.status}: ${body.slice(0, 200)}`,
        );
      }
      const parsed = rankResponseSchema.safeParse(await response.json().catch(() => null));
      if (!parsed.success || parsed.data.scores.length !== rows.length) {
        throw new RankerError("rejected", "sidecar answered with a malformed score list");
      }
      return { scores: parsed.data.scores, modelVersion: parsed.data.model_version };
    },
  };
}
