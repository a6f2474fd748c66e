/**
 * The in-Worker light ranker: the pipeline's logistic ranker (`ranker.json`, published to KV under
 * `kvKeys.lightRanker`), scored with `scoreLinear` on the same feature rows the sidecar gets. It
 * serves when the sidecar is down, slow or its circuit is open. The model is read from KV once per
 * `cacheTtlMs` and kept in isolate memory; a model trained on another feature spec is refused
 * (`rejected`) and a missing one is `unavailable`, so the funnel falls back to retrieval order.
 */
import { z } from "zod";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { errorMessage } from "../../shared/errors/error-message";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { scoreLinear, type LinearRankerModel } from "../../shared/ranking/linear-ranker";
import { cached } from "../store/isolate-cache";
import { derivedKey, KV_CACHE_TTL_SECONDS } from "../store/kv-store";
import { RankerError, type Ranker, type RankRequest, type RankResult } from "./ranker";

/** Options of {@link createLightRanker}. */
export interface LightRankerOptions {
  kv: KVNamespace;
  /** How long a model read from KV is reused by this isolate, in ms (default 60 000; 0 reads KV every time). */
  cacheTtlMs?: number;
  /** Millisecond clock for the cache (default `Date.now`). */
  now?: () => number;
}

/** Defaults of {@link LightRankerOptions}. */
export const LIGHT_RANKER_DEFAULTS = { cacheTtlMs: 60_000 } as const;

const finite = z.number().refine(Number.isFinite, "must be finite");
const modelSchema = z.object({
  kind: z.literal("logistic"),
  weights: z.array(finite),
  bias: finite,
  featureNames: z.array(z.string()),
  featureSpecHash: z.string(),
  modelVersion: z.string(),
}) satisfies z.ZodType<LinearRankerModel>;

/** What KV held, once checked. */
type LoadedModel = { status: "ok"; model: LinearRankerModel } | { status: "missing" } | { status: "invalid"; message: string };

/**
 * Creates the light ranker over the KV namespace the pipeline publishes to.
 *
 * @example
 * const light = createLightRanker({ kv: env.KV });
 * await light.rank({ rows, featureSpecHash: FEATURE_SPEC.hash }); // { scores: [0.61, …], modelVersion: "als-…" }
 */
export function createLightRanker(options: LightRankerOptions): Ranker {
  const { kv, cacheTtlMs, now } = { ...LIGHT_RANKER_DEFAULTS, now: () => Date.now(), ...options };

  // The parsed model (or its absence) is kept like the other published values (store/isolate-cache.ts); a failed read is not.
  const load = (): Promise<LoadedModel> =>
    cached(
      kv,
      derivedKey(kvKeys.lightRanker),
      cacheTtlMs,
      async () => {
        let text: string | null;
        try {
          text = await kv.get(kvKeys.lightRanker, { type: "text", cacheTtl: KV_CACHE_TTL_SECONDS });
        } catch (error) {
          throw new RankerError("unavailable", `light ranker: reading KV "${kvKeys.lightRanker}" failed: ${errorMessage(error)}`);
        }
        return checkModel(text);
      },
      now,
    );

  return {
    name: "light",
    async rank({ rows, featureSpecHash }: RankRequest): Promise<RankResult> {
      const loaded = await load();
      switch (loaded.status) {
        case "missing":
          throw new RankerError("unavailable", `light ranker: no model published under KV "${kvKeys.lightRanker}"`);
        case "invalid":
          throw new RankerError("rejected", loaded.message);
        case "ok":
          break;
      }
      const { model } = loaded;
      if (featureSpecHash !== model.featureSpecHash) {
        throw new RankerError(
          "rejected",
          `light ranker: rows were built with feature spec "${featureSpecHash}", model ${model.modelVersion} with "${model.featureSpecHash}"`,
        );
      }
      const scores = rows.map((row, r) => {
        if (row.length !== model.weights.length || !row.every(Number.isFinite)) {
          throw new RankerError("rejected", `light ranker: rows[${r}] is not ${model.weights.length} finite numbers`);
        }
        return scoreLinear(model, row);
      });
      return { scores, modelVersion: model.modelVersion };
    },
  };
}

/** Parses and checks the KV value against this Worker's feature spec. */
function checkModel(text: string | null): LoadedModel {
  if (text === null) return { status: "missing" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: "invalid", message: `light ranker: KV "${kvKeys.lightRanker}" is not JSON` };
  }
  const parsed = modelSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; ");
    return { status: "invalid", message: `light ranker: KV "${kvKeys.lightRanker}" is not a logistic ranker: ${problems}` };
  }
  const model = parsed.data;
  if (model.featureSpecHash !== FEATURE_SPEC.hash) {
    return {
      status: "invalid",
      message: `light ranker: model ${model.modelVersion} was trained with feature spec "${model.featureSpecHash}", this Worker builds "${FEATURE_SPEC.hash}"`,
    };
  }
  if (model.weights.length !== FEATURE_SPEC.size || model.featureNames.join(",") !== FEATURE_SPEC.names.join(",")) {
    return {
      status: "invalid",
      message: `light ranker: model ${model.modelVersion} does not have one weight per feature of the spec (${FEATURE_SPEC.names.join(", ")})`,
    };
  }
  return { status: "ok", model };
}
