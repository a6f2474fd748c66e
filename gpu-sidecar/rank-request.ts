/**
 * The `POST /v1/rank` request: its JSON shape (zod) and the conversion of its rows into the
 * row-major float32 matrix the ranker runs on, with every value checked.
 */
import { z } from "zod";
import { SidecarError } from "./sidecar-error";

/**
 * Request body shape. Rows are only checked to be a list here; each row and value is checked by
 * {@link packFeatureRows} in the same pass that packs it (this is the hot path: a zod schema over
 * every row would copy all of them).
 */
export const rankRequestSchema = z.object({
  feature_spec_hash: z.string().min(1),
  /** The caller's own deadline in ms (e.g. the edge's timeout); the sidecar gives up then, or at SIDECAR_REQUEST_TIMEOUT_MS if sooner. */
  timeout_ms: z.number().positive().optional(),
  rows: z.custom<unknown[]>((value) => Array.isArray(value), "expected an array of rows"),
});

/** A request that passed {@link rankRequestSchema}. */
export type RankRequestBody = z.infer<typeof rankRequestSchema>;

/** Largest finite float32; larger JSON numbers would become Infinity in the model. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Packs `rows` into a row-major Float32Array of `rows.length × width`. Throws `invalid_request`
 * for a row that is not a list, and `invalid_features` naming the first row of the wrong width or
 * the first value that is not a finite float32 number.
 */
export function packFeatureRows(rows: readonly unknown[], width: number): Float32Array {
  const packed = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    if (!Array.isArray(row)) {
      throw new SidecarError("invalid_request", `expected {feature_spec_hash: string, rows: number[][]}; rows[${r}] is ${describeValue(row)}, not a list`);
    }
    if (row.length !== width) {
      throw new SidecarError("invalid_features", `rows[${r}] has ${row.length} values; the feature spec has ${width}`);
    }
    row.forEach((value: unknown, f) => {
      if (typeof value !== "number" || !Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX) {
        throw new SidecarError("invalid_features", `rows[${r}][${f}] is ${describeValue(value)}, not a finite float32 number`);
      }
      packed[r * width + f] = value;
    });
  });
  return packed;
}

function describeValue(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
