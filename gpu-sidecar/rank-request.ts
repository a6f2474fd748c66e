/**
 * The `POST /v1/rank` request: its JSON shape (zod) and the conversion of its rows into the
 * row-major float32 matrix the ranker runs on, with every value checked; and the binary encoding
 * (`application/octet-stream`: that matrix as the body, checked in place) and its answer.
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
  /**
   * The model version to score with, like the `x-model-version` header (which wins when both are
   * sent and must then agree); unset: the default model.
   */
  model_version: z.string().optional(),
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
      throw new SidecarError(
        "invalid_request",
        `expected {feature_spec_hash: string, rows: number[][]}; rows[${r}] is ${describeValue(row)}, not a list`,
      );
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

/**
 * The binary `POST /v1/rank` encoding (in the manner of Triton's binary tensor data extension):
 * the body is the feature matrix itself, row-major little-endian float32 (`rows × width × 4`
 * bytes), and the request's other fields travel in headers. A response in the same encoding is
 * the scores, little-endian float32, one per row.
 */
export const BINARY_CONTENT_TYPE = "application/octet-stream";

/** Headers of the binary encoding. */
export const RANK_HEADERS = {
  /** Request: the `feature_spec_hash` (required). */
  featureSpecHash: "x-feature-spec-hash",
  /** Request: the caller's deadline in ms, like `timeout_ms` (optional). */
  timeoutMs: "x-timeout-ms",
  /**
   * Request (either encoding, optional): the model version to score with, e.g. the release the
   * edge serves; unset: the default model. Response: the model version that scored the rows.
   */
  modelVersion: "x-model-version",
  /** Binary response: the execution provider. */
  provider: "x-provider",
  /** Binary response: queue wait and inference ms, `queue=<ms>, inference=<ms>`. */
  timings: "x-timings-ms",
  /** Binary response: the batch the request ran in, `rows=<n>, requests=<n>`. */
  batch: "x-batch",
} as const;

/** Whether a `content-type` (or `accept`) header value names {@link BINARY_CONTENT_TYPE}. */
export function isBinaryMediaType(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => part.split(";")[0]!.trim().toLowerCase() === BINARY_CONTENT_TYPE);
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Rows in a binary body of `bytes` bytes; `invalid_features` when it is not a whole number of rows. */
export function binaryRowCount(bytes: number, width: number): number {
  const rowBytes = 4 * width;
  if (bytes % rowBytes !== 0) {
    throw new SidecarError(
      "invalid_features",
      `binary body has ${bytes} bytes, not a multiple of ${rowBytes} (${width} float32 features per row, little-endian, row-major)`,
    );
  }
  return bytes / rowBytes;
}

/**
 * Reads a binary request body as a row-major Float32Array of `width` columns: a view of `body`
 * (no copy) when it is 4-byte aligned on a little-endian machine. Throws `invalid_features` for a
 * length that is not a whole number of rows, or naming the first value that is NaN or ±Infinity
 * (the message names `rows[i][j]`, as for JSON rows).
 */
export function readBinaryFeatureRows(body: ArrayBuffer | Uint8Array, width: number): Float32Array {
  const bytes = body instanceof Uint8Array ? body : new Uint8Array(body);
  binaryRowCount(bytes.byteLength, width);
  const count = bytes.byteLength / 4;
  let values: Float32Array;
  if (LITTLE_ENDIAN && bytes.byteOffset % 4 === 0) {
    values = new Float32Array(bytes.buffer, bytes.byteOffset, count);
  } else {
    values = new Float32Array(count);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < count; i++) values[i] = view.getFloat32(i * 4, true);
  }
  for (let i = 0; i < count; i++) {
    const value = values[i]!;
    // A float32 is finite iff it is neither NaN nor ±Infinity; `v - v` is 0 only for finite v.
    if (value - value !== 0) {
      throw new SidecarError("invalid_features", `rows[${Math.floor(i / width)}][${i % width}] is ${value}, not a finite float32 number`);
    }
  }
  return values;
}

/** `values` as little-endian float32 bytes: a view of the same memory on a little-endian machine. */
export function float32LittleEndianBytes(values: Float32Array): Uint8Array<ArrayBuffer> {
  // onnxruntime's outputs (and every Float32Array here) live in a plain ArrayBuffer, never a SharedArrayBuffer.
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer as ArrayBuffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.byteLength);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => {
    view.setFloat32(i * 4, value, true);
  });
  return bytes;
}
