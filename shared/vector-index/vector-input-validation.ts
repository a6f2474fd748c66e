/**
 * Input checks against Vectorize's limits (`limits.ts`), shared by the embedded index and the
 * Vectorize adapter so that both refuse the same calls with the same `VectorIndexError` codes
 * before anything is written or sent.
 */
import { VECTORIZE_LIMITS } from "./limits";
import { utf8ByteLength } from "./utf8";
import type { MetadataRetrievalLevel, VectorMetadata, VectorQueryOptions, VectorRecord } from "./vector-index";
import { VectorIndexError } from "./vector-index-error";

/** Query options with defaults applied (filter still to be compiled by `compileMetadataFilter`). */
export interface ResolvedQueryOptions {
  topK: number;
  namespace: string | undefined;
  returnValues: boolean;
  returnMetadata: MetadataRetrievalLevel;
  filter: VectorQueryOptions["filter"];
}

/** Vectorize's defaults: topK 5, no values, no metadata. */
const QUERY_DEFAULTS = {
  topK: 5,
  returnValues: false,
  returnMetadata: "none",
} as const satisfies Partial<VectorQueryOptions>;

const RETRIEVAL_LEVELS: Record<MetadataRetrievalLevel, true> = { none: true, indexed: true, all: true };

/** @throws VectorIndexError `invalid_id` unless `id` is a non-empty string of ≤ 64 UTF-8 bytes. */
export function assertVectorId(id: unknown): asserts id is string {
  if (typeof id !== "string" || id.length === 0) {
    throw new VectorIndexError("invalid_id", `vector id must be a non-empty string, got ${JSON.stringify(id)}`);
  }
  if (utf8ByteLength(id) > VECTORIZE_LIMITS.maxIdBytes) {
    throw new VectorIndexError(
      "invalid_id",
      `vector id ${JSON.stringify(id.slice(0, 80))} is longer than ${VECTORIZE_LIMITS.maxIdBytes} bytes`,
    );
  }
}

/** @throws VectorIndexError `invalid_id` unless `ids` is an array of valid ids. */
export function assertVectorIds(ids: unknown): asserts ids is string[] {
  if (!Array.isArray(ids)) throw new VectorIndexError("invalid_id", "ids must be an array of strings");
  for (const id of ids) assertVectorId(id);
}

/** @throws VectorIndexError `invalid_namespace` unless `namespace` is a non-empty string of ≤ 64 bytes. */
export function assertNamespace(namespace: unknown): asserts namespace is string {
  if (typeof namespace !== "string" || namespace.length === 0) {
    throw new VectorIndexError(
      "invalid_namespace",
      `namespace must be a non-empty string (omit it for none), got ${JSON.stringify(namespace)}`,
    );
  }
  if (utf8ByteLength(namespace) > VECTORIZE_LIMITS.maxNamespaceBytes) {
    throw new VectorIndexError(
      "invalid_namespace",
      `namespace ${JSON.stringify(namespace.slice(0, 80))} is longer than ${VECTORIZE_LIMITS.maxNamespaceBytes} bytes`,
    );
  }
}

/**
 * @throws VectorIndexError `invalid_metadata` when `key` is empty, contains `.` (Vectorize's
 * nesting separator) or `"`, or starts with `$` (reserved for filter operators).
 */
export function assertMetadataKey(key: string): void {
  const problem =
    key.length === 0
      ? "is empty"
      : key.includes(".")
        ? "contains '.'"
        : key.includes('"')
          ? "contains '\"'"
          : key.startsWith("$")
            ? "starts with '$'"
            : undefined;
  if (problem) throw new VectorIndexError("invalid_metadata", `metadata key ${JSON.stringify(key)} ${problem}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Checks metadata (keys, value types, ≤ 10 KiB as compact JSON) and returns a copy that later
 * mutations of the caller's object cannot reach.
 * @throws VectorIndexError `invalid_metadata`.
 */
export function validateMetadata(metadata: unknown, id: string): VectorMetadata {
  if (!isPlainObject(metadata)) {
    throw new VectorIndexError("invalid_metadata", `metadata of ${JSON.stringify(id)} must be a plain object`);
  }
  const copy: VectorMetadata = {};
  for (const [key, value] of Object.entries(metadata)) {
    assertMetadataKey(key);
    if (typeof value === "string" || typeof value === "boolean") copy[key] = value;
    else if (typeof value === "number" && Number.isFinite(value)) copy[key] = value;
    else if (Array.isArray(value) && value.every((item) => typeof item === "string")) copy[key] = [...value];
    else {
      throw new VectorIndexError(
        "invalid_metadata",
        `metadata ${JSON.stringify(key)} of ${JSON.stringify(id)} must be a string, finite number, boolean or string[]`,
      );
    }
  }
  const bytes = utf8ByteLength(JSON.stringify(copy));
  if (bytes > VECTORIZE_LIMITS.maxMetadataBytes) {
    throw new VectorIndexError(
      "invalid_metadata",
      `metadata of ${JSON.stringify(id)} is ${bytes} bytes; the limit is ${VECTORIZE_LIMITS.maxMetadataBytes}`,
    );
  }
  return copy;
}

/**
 * The values as float32 (how Vectorize stores them), checked for length and finiteness.
 * @param dimensions the index's dimensions; `undefined` skips the length check (adapter without config).
 * @throws VectorIndexError `dimension_mismatch` or `invalid_vector`.
 */
export function toFloat32Vector(values: unknown, dimensions: number | undefined, what: string): Float32Array {
  if (!Array.isArray(values) && !(values instanceof Float32Array) && !(values instanceof Float64Array)) {
    throw new VectorIndexError("invalid_vector", `${what} must be an array of numbers`);
  }
  if (dimensions !== undefined && values.length !== dimensions) {
    throw new VectorIndexError("dimension_mismatch", `${what} has ${values.length} dimensions; the index has ${dimensions}`);
  }
  if (values.length === 0) throw new VectorIndexError("invalid_vector", `${what} is empty`);
  const vector = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value: unknown = values[i];
    if (typeof value !== "number") {
      throw new VectorIndexError("invalid_vector", `${what}[${i}] is not a number`);
    }
    vector[i] = value;
    if (!Number.isFinite(vector[i])) {
      throw new VectorIndexError("invalid_vector", `${what}[${i}] = ${value} is not finite as a float32`);
    }
  }
  return vector;
}

/** A checked, copied vector record ready to be stored. */
export interface ValidatedVectorRecord {
  id: string;
  namespace: string | undefined;
  values: Float32Array;
  metadata: VectorMetadata | undefined;
}

/**
 * Checks one record of an upsert.
 * @throws VectorIndexError `invalid_id`, `invalid_namespace`, `invalid_vector`, `dimension_mismatch`
 * or `invalid_metadata`.
 */
export function validateVectorRecord(record: unknown, dimensions: number | undefined): ValidatedVectorRecord {
  if (!isPlainObject(record)) throw new VectorIndexError("invalid_vector", "each vector must be an object");
  const { id, namespace, values, metadata } = record as Partial<VectorRecord>;
  assertVectorId(id);
  if (namespace !== undefined) assertNamespace(namespace);
  return {
    id,
    namespace,
    values: toFloat32Vector(values, dimensions, `values of ${JSON.stringify(id)}`),
    metadata: metadata === undefined ? undefined : validateMetadata(metadata, id),
  };
}

/**
 * Checks a whole upsert batch (≤ 1000 records) before anything is written, so a bad record
 * leaves the index unchanged.
 * @throws VectorIndexError `batch_too_large` or any code of `validateVectorRecord`.
 */
export function validateUpsertBatch(vectors: unknown, dimensions: number | undefined): ValidatedVectorRecord[] {
  if (!Array.isArray(vectors)) throw new VectorIndexError("invalid_vector", "upsert takes an array of vectors");
  if (vectors.length > VECTORIZE_LIMITS.maxUpsertBatch) {
    throw new VectorIndexError(
      "batch_too_large",
      `upsert batch has ${vectors.length} vectors; the limit is ${VECTORIZE_LIMITS.maxUpsertBatch}`,
    );
  }
  return vectors.map((record) => validateVectorRecord(record, dimensions));
}

/**
 * Applies Vectorize's defaults and checks topK against the limits: 1..100, or 1..20 when values
 * or all metadata are returned (`returnMetadata: "indexed"` keeps the 100 limit).
 * @throws VectorIndexError `top_k_exceeded`, `invalid_namespace` or `invalid_options`.
 */
export function resolveQueryOptions(options: VectorQueryOptions | undefined): ResolvedQueryOptions {
  if (options !== undefined && !isPlainObject(options as unknown)) {
    throw new VectorIndexError("invalid_options", "query options must be an object");
  }
  const given: VectorQueryOptions = options ?? {};
  const { topK = QUERY_DEFAULTS.topK, namespace, returnValues = QUERY_DEFAULTS.returnValues, filter } = given;
  const rawLevel = given.returnMetadata ?? QUERY_DEFAULTS.returnMetadata;
  const returnMetadata: unknown = rawLevel === true ? "all" : rawLevel === false ? "none" : rawLevel;
  if (typeof returnMetadata !== "string" || !Object.hasOwn(RETRIEVAL_LEVELS, returnMetadata)) {
    throw new VectorIndexError(
      "invalid_options",
      `returnMetadata must be true, false, "none", "indexed" or "all", got ${JSON.stringify(rawLevel)}`,
    );
  }
  if (typeof returnValues !== "boolean") {
    throw new VectorIndexError("invalid_options", "returnValues must be a boolean");
  }
  const level = returnMetadata as MetadataRetrievalLevel;
  const heavy = returnValues || level === "all";
  const maxTopK = heavy ? VECTORIZE_LIMITS.maxTopKWithValuesOrMetadata : VECTORIZE_LIMITS.maxTopK;
  if (!Number.isInteger(topK) || topK < 1 || topK > maxTopK) {
    throw new VectorIndexError(
      "top_k_exceeded",
      `topK must be an integer in 1..${maxTopK}${heavy ? " when returning values or all metadata" : ""}, ` + `got ${String(topK)}`,
    );
  }
  if (namespace !== undefined) assertNamespace(namespace);
  return { topK, namespace, returnValues, returnMetadata: level, filter };
}
