/**
 * The sidecar's configuration, read from environment variables, validated with zod and turned into
 * one typed object. Unset or empty variables take their defaults; an invalid value fails start-up
 * with a {@link SidecarConfigError} that names every offending variable (never echoing a secret's
 * value). `SIDECAR_AUTH_TOKEN`, the shared secret every caller but `/healthz` must present, is
 * required.
 */
import { z } from "zod";
import { BATCHING_DEFAULTS, type BatchingConfig } from "./batching/dynamic-batcher";
import { MODEL_STORE_DEFAULTS } from "./model-store";
import { EXECUTION_PROVIDER_NAMES, type ExecutionProviderName } from "./providers/execution-provider";
import { RANKER_PRECISIONS, type RankerPrecision } from "./ranker-precision";

/** What the sidecar does when the configured provider is unavailable. */
export type ProviderFallback = "none" | "cpu";

/** The validated configuration. */
export interface SidecarConfig {
  /** Interface to listen on (`SIDECAR_HOST`, default `127.0.0.1`). */
  host: string;
  /** TCP port (`SIDECAR_PORT`, default 8788; 0 picks a free port). */
  port: number;
  /**
   * Folder holding `manifest.json` and the ranker it names (`SIDECAR_MODEL_DIR`, required): the
   * default model, loaded at start and serving requests that name no model version.
   */
  modelDir: string;
  /**
   * Folder of release folders, each named by its model version and shaped like `modelDir`
   * (`SIDECAR_RELEASES_DIR`, optional): a request naming a version that is not loaded loads
   * `<releasesDir>/<version>/`. Unset: only the default model's version can be named.
   */
  releasesDir: string | undefined;
  /** Most model versions loaded at once, the default included (`SIDECAR_MAX_MODELS`, default 3, at least 1). */
  maxModels: number;
  /** Execution provider (`SIDECAR_PROVIDER`, default `cpu`). */
  provider: ExecutionProviderName;
  /** Fallback when the provider is unavailable (`SIDECAR_PROVIDER_FALLBACK`, default `none`). */
  providerFallback: ProviderFallback;
  /**
   * Which ranker file to load (`SIDECAR_PRECISION`, default `auto`): `auto` the manifest's float16
   * file on a GPU provider when it lists one, `fp32` always the float32 file, `fp16` always the
   * float16 file (see `ranker-precision.ts`).
   */
  precision: RankerPrecision;
  /** Most rows one `/v1/rank` request may carry (`SIDECAR_MAX_ROWS`, default 2000). */
  maxRows: number;
  /**
   * Shared secret (`SIDECAR_AUTH_TOKEN`, required, at least 16 printable characters): every route
   * except `GET /healthz` requires `Authorization: Bearer <authToken>`. The Worker sends its
   * `RANKER_TOKEN`.
   */
  authToken: string;
  /**
   * Worker threads that run inference off the event loop (`SIDECAR_INFERENCE_THREADS`, default 0 =
   * inline on the sidecar thread). Each thread loads its own session of the model on the provider.
   */
  inferenceThreads: number;
  /** Dynamic batching (`SIDECAR_BATCHING`, `SIDECAR_MAX_BATCH_ROWS`, `SIDECAR_MAX_QUEUE_DELAY_MS`, `SIDECAR_MAX_QUEUE_ROWS`, `SIDECAR_REQUEST_TIMEOUT_MS`). */
  batching: BatchingConfig;
}

/** Defaults of every optional setting. */
export const SIDECAR_CONFIG_DEFAULTS = {
  host: "127.0.0.1",
  port: 8788,
  provider: "cpu",
  providerFallback: "none",
  precision: "auto",
  maxRows: 2000,
  maxModels: MODEL_STORE_DEFAULTS.maxModels,
  inferenceThreads: 0,
  batching: BATCHING_DEFAULTS,
} as const satisfies Partial<SidecarConfig>;

const unsetIfEmpty = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetIfEmpty, schema);
const integer = (min: number, max: number, fallback: number) =>
  optional(
    z.coerce
      .number({ error: "must be a number" })
      .int("must be an integer")
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`)
      .default(fallback),
  );

/** Shortest `SIDECAR_AUTH_TOKEN` accepted. */
export const MIN_AUTH_TOKEN_LENGTH = 16;

/** Variables whose values are secret: an error names them but never shows what they hold. */
const SECRET_VARIABLES = new Set(["SIDECAR_AUTH_TOKEN", "SIDECAR_ADMIN_TOKEN"]);

const envSchema = z
  .object({
    SIDECAR_HOST: optional(z.string().default(SIDECAR_CONFIG_DEFAULTS.host)),
    SIDECAR_PORT: optional(
      z.coerce
        .number({ error: "must be a port number" })
        .int("must be an integer")
        .min(0, "must be between 0 and 65535")
        .max(65535, "must be between 0 and 65535")
        .default(SIDECAR_CONFIG_DEFAULTS.port),
    ),
    SIDECAR_MODEL_DIR: optional(z.string({ error: "is required: the folder that contains the model's manifest.json" })),
    SIDECAR_RELEASES_DIR: optional(z.string().optional()),
    SIDECAR_MAX_MODELS: integer(1, 64, SIDECAR_CONFIG_DEFAULTS.maxModels),
    SIDECAR_PROVIDER: optional(
      z
        .enum(EXECUTION_PROVIDER_NAMES, { error: `must be one of ${EXECUTION_PROVIDER_NAMES.join(", ")}` })
        .default(SIDECAR_CONFIG_DEFAULTS.provider),
    ),
    SIDECAR_PROVIDER_FALLBACK: optional(
      z.enum(["none", "cpu"], { error: "must be one of none, cpu" }).default(SIDECAR_CONFIG_DEFAULTS.providerFallback),
    ),
    SIDECAR_PRECISION: optional(
      z.enum(RANKER_PRECISIONS, { error: `must be one of ${RANKER_PRECISIONS.join(", ")}` }).default(SIDECAR_CONFIG_DEFAULTS.precision),
    ),
    SIDECAR_MAX_ROWS: optional(
      z.coerce
        .number({ error: "must be a number" })
        .int("must be an integer")
        .min(1, "must be at least 1")
        .max(100_000, "must be at most 100000")
        .default(SIDECAR_CONFIG_DEFAULTS.maxRows),
    ),
    SIDECAR_AUTH_TOKEN: optional(
      z
        .string({ error: "is required: the shared secret callers present as Authorization: Bearer <token> (the Worker's RANKER_TOKEN)" })
        .min(MIN_AUTH_TOKEN_LENGTH, `must be at least ${MIN_AUTH_TOKEN_LENGTH} characters`)
        .regex(/^[\x21-\x7e]+$/, "must be printable ASCII without spaces"),
    ),
    SIDECAR_ADMIN_TOKEN: optional(
      z
        .undefined({ error: "is no longer read: SIDECAR_AUTH_TOKEN now guards every route but /healthz, /admin/* included; unset it" })
        .optional(),
    ),
    SIDECAR_INFERENCE_THREADS: integer(0, 64, SIDECAR_CONFIG_DEFAULTS.inferenceThreads),
    SIDECAR_BATCHING: optional(
      z.enum(["on", "off"], { error: "must be one of on, off" }).default(BATCHING_DEFAULTS.enabled ? "on" : "off"),
    ),
    SIDECAR_MAX_BATCH_ROWS: integer(1, 1_000_000, BATCHING_DEFAULTS.maxBatchRows),
    SIDECAR_MAX_QUEUE_DELAY_MS: optional(
      z.coerce
        .number({ error: "must be a number of milliseconds" })
        .min(0, "must be at least 0")
        .max(10_000, "must be at most 10000")
        .default(BATCHING_DEFAULTS.maxQueueDelayMs),
    ),
    SIDECAR_MAX_QUEUE_ROWS: integer(1, 100_000_000, BATCHING_DEFAULTS.maxQueueRows),
    SIDECAR_REQUEST_TIMEOUT_MS: integer(1, 600_000, BATCHING_DEFAULTS.requestTimeoutMs),
  })
  .superRefine((vars, ctx) => {
    if (vars.SIDECAR_MAX_QUEUE_ROWS < vars.SIDECAR_MAX_ROWS) {
      ctx.addIssue({
        code: "custom",
        path: ["SIDECAR_MAX_QUEUE_ROWS"],
        message: `must be at least SIDECAR_MAX_ROWS (${vars.SIDECAR_MAX_ROWS}), so that the largest request fits in the queue`,
      });
    }
  });

/** The configuration is invalid; `issues` lists one `VARIABLE: problem` line per problem. */
export class SidecarConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid sidecar configuration: ${issues.join("; ")}`);
    this.name = "SidecarConfigError";
  }
}

/**
 * Reads the configuration from `env` (default `process.env`).
 *
 * @example
 * loadSidecarConfig({ SIDECAR_MODEL_DIR: "artifacts/latest", SIDECAR_AUTH_TOKEN: "3f9c…(≥ 16 chars)", SIDECAR_PROVIDER: "wasm" });
 * // → { host: "127.0.0.1", port: 8788, modelDir: "artifacts/latest", releasesDir: undefined, maxModels: 3, provider: "wasm", providerFallback: "none", precision: "auto", maxRows: 2000,
 * //     authToken: "3f9c…", inferenceThreads: 0, batching: { enabled: true, maxBatchRows: 2048, maxQueueDelayMs: 2, maxQueueRows: 16384, requestTimeoutMs: 1000 } }
 */
export function loadSidecarConfig(env: Record<string, string | undefined> = process.env): SidecarConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new SidecarConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join(".");
        const value = env[name];
        return value === undefined || value.trim() === "" || SECRET_VARIABLES.has(name)
          ? `${name} ${issue.message}`
          : `${name} ${issue.message} (got "${value}")`;
      }),
    );
  }
  const vars = parsed.data;
  return {
    host: vars.SIDECAR_HOST,
    port: vars.SIDECAR_PORT,
    modelDir: vars.SIDECAR_MODEL_DIR,
    releasesDir: vars.SIDECAR_RELEASES_DIR,
    maxModels: vars.SIDECAR_MAX_MODELS,
    provider: vars.SIDECAR_PROVIDER,
    providerFallback: vars.SIDECAR_PROVIDER_FALLBACK,
    precision: vars.SIDECAR_PRECISION,
    maxRows: vars.SIDECAR_MAX_ROWS,
    authToken: vars.SIDECAR_AUTH_TOKEN,
    inferenceThreads: vars.SIDECAR_INFERENCE_THREADS,
    batching: {
      enabled: vars.SIDECAR_BATCHING === "on",
      maxBatchRows: vars.SIDECAR_MAX_BATCH_ROWS,
      maxQueueDelayMs: vars.SIDECAR_MAX_QUEUE_DELAY_MS,
      maxQueueRows: vars.SIDECAR_MAX_QUEUE_ROWS,
      requestTimeoutMs: vars.SIDECAR_REQUEST_TIMEOUT_MS,
    },
  };
}
