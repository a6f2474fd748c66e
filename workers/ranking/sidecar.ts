/**
 * The sidecar ranker: posts feature rows to the ranking sidecar (`POST {RANKER_URL}/v1/rank`) and
 * reads back one score per row. Both ways use the sidecar's binary encoding (see
 * `gpu-sidecar/README.md`): the body is the rows as a row-major little-endian float32 matrix (no
 * JSON.stringify of ~2000 numbers on the edge), the feature-spec hash and deadline go in headers,
 * and the answer is one little-endian float32 per row (a JSON answer is still read, should a
 * sidecar send one). Every request carries `Authorization: Bearer <token>` (the Worker's
 * `RANKER_TOKEN`, the sidecar's `SIDECAR_AUTH_TOKEN`). Timeouts, connection errors and non-200 answers become
 * {@link RankerError}s so the funnel can fall back (to the light ranker); a 401/403 (the token is
 * wrong or missing) counts as `unavailable`, like a 5xx, so a misconfigured token opens the circuit
 * instead of costing every request a round trip. `services.ts` puts it behind a circuit breaker
 * (`circuit-breaker-ranker.ts`).
 */
import { z } from "zod";
import { RankerError, type Ranker, type RankRequest, type RankResult } from "./ranker";

/** Options of {@link createSidecarRanker}. */
export interface SidecarRankerOptions {
  /** Base URL of the sidecar, e.g. `http://127.0.0.1:8788`. */
  baseUrl: string;
  /** The sidecar's shared secret (`RANKER_TOKEN`), sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Give up after this many milliseconds. */
  timeoutMs?: number;
  /** The fetch to use (a service binding's fetch in some deployments). */
  fetch?: typeof fetch;
  /**
   * The model version (release id) to be scored with, sent as `x-model-version`; an answer scored
   * with any other version is refused (`rejected`: the funnel falls back to the release's light ranker).
   */
  modelVersion?: string;
}

const rankResponseSchema = z.object({
  scores: z.array(z.number()),
  model_version: z.string().optional(),
});

const BINARY = "application/octet-stream";

/**
 * `rows` as one row-major Float32Array (little-endian: every Workers host is). A ragged row cannot
 * be framed in the binary encoding, so it is refused here, as the sidecar would refuse it.
 */
function packRows(rows: number[][]): Float32Array {
  const width = rows[0]?.length ?? 0;
  const packed = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new RankerError("rejected", `feature row ${r} has ${row.length} values, row 0 has ${width}`);
    packed.set(row, r * width);
  });
  return packed;
}

/** The scores of a 200 answer, binary or JSON, or `undefined` when it is malformed. */
async function readScores(response: Response): Promise<{ scores: number[]; modelVersion?: string } | undefined> {
  if ((response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase() === BINARY) {
    const bytes = await response.arrayBuffer().catch(() => null);
    if (bytes === null || bytes.byteLength % 4 !== 0) return undefined;
    const view = new DataView(bytes);
    const scores = Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
    if (!scores.every(Number.isFinite)) return undefined;
    return { scores, modelVersion: response.headers.get("x-model-version") ?? undefined };
  }
  const parsed = rankResponseSchema.safeParse(await response.json().catch(() => null));
  return parsed.success ? { scores: parsed.data.scores, modelVersion: parsed.data.model_version } : undefined;
}

/**
 * A ranker backed by the gpu-sidecar service.
 *
 * @example
 * const sidecar = createSidecarRanker({ baseUrl: env.RANKER_URL, token: env.RANKER_TOKEN, timeoutMs: 250 });
 * await sidecar.rank({ rows, featureSpecHash: FEATURE_SPEC.hash }); // { scores: [...], modelVersion: "..." }
 */
export function createSidecarRanker(options: SidecarRankerOptions): Ranker {
  const { baseUrl, token, timeoutMs, fetch: fetchImpl, modelVersion } = { timeoutMs: 250, fetch: globalThis.fetch, ...options };
  const url = new URL("/v1/rank", baseUrl).toString();
  const authorization = `Bearer ${token}`;
  return {
    name: "sidecar",
    async rank({ rows, featureSpecHash }: RankRequest): Promise<RankResult> {
      const body = packRows(rows);
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: "POST",
          headers: {
            authorization,
            "content-type": BINARY,
            accept: BINARY,
            "x-feature-spec-hash": featureSpecHash,
            // The sidecar gives up at the same deadline, so it never scores a request the Worker abandoned.
            "x-timeout-ms": String(timeoutMs),
            // The serving release's model: the sidecar scores with that version or refuses (409).
            ...(modelVersion !== undefined ? { "x-model-version": modelVersion } : {}),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        throw new RankerError(timedOut ? "timeout" : "unavailable", `sidecar ${timedOut ? "timed out" : "unreachable"}: ${String(error)}`);
      }
      if (response.status === 401 || response.status === 403) {
        await response.body?.cancel();
        throw new RankerError(
          "unavailable",
          `sidecar refused the Worker's credential (${response.status}): RANKER_TOKEN must equal the sidecar's SIDECAR_AUTH_TOKEN`,
        );
      }
      if (!response.ok) {
        const text = await response.text().catch(() => "");
        throw new RankerError(
          response.status >= 500 ? "unavailable" : "rejected",
          `sidecar answered ${response.status}: ${text.slice(0, 200)}`,
        );
      }
      const result = await readScores(response);
      if (!result || result.scores.length !== rows.length) {
        // A 200 the Worker cannot use is the sidecar's fault, not the input's: it counts towards the
        // circuit breaker like a 5xx, so a sidecar answering garbage stops costing every request a round trip.
        throw new RankerError("unavailable", "sidecar answered with a malformed score list");
      }
      if (modelVersion !== undefined && result.modelVersion !== modelVersion) {
        // A sidecar that scored with another version (one that ignores the header) would mix two releases.
        throw new RankerError(
          "rejected",
          `sidecar scored with model ${result.modelVersion ?? "(unnamed)"}, the release serves ${modelVersion}`,
        );
      }
      return result.modelVersion === undefined ? { scores: result.scores } : { scores: result.scores, modelVersion: result.modelVersion };
    },
  };
}
