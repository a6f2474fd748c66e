/**
 * The `POST /v1/rank` request: its JSON shape (zod) and the conversion of its rows into the
 * row-major float32 matrix the ranker runs on, with every value checked.
 */
import { z } from "zod";
import { SidecarError } from "./sidecar-error";

/** Request body shape; element values are checked by {@link packFeatureRows}. */
export const rankRequestSchema = z.object({
  feature_spec_hash: z.string().min(1),
  rows: z.array(z.array(z.unknown())),
});

/** A request that passed {@link rankRequestSchema}. */
export type RankRequestBody = z.infer<typeof rankRequestSchema>;

/** Largest finite float32; larger JSON numbers would become Infinity in the model. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Packs `rows` into a row-major Float32Array of `rows.length × width`. Throws `invalid_features`
 * naming the first row of the wrong width or the first value that is not a finite float32 number.
 */
export function packFeatureRows(rows: readonly (readonly unknown[])[], width: number): Float32Array {
  const packed = new Float32Array(rows.length * width);
  rows.forEach((row, r) => {
    if (row.length !== width) {
      throw new SidecarError("invalid_features", `rows[${r}] has ${row.length} values; the feature spec has ${width}`);
    }
    row.forEach((value, f) => {
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
