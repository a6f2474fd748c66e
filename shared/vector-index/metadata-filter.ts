/**
 * Vectorize metadata filters: an implicit AND of per-property conditions with `$eq $ne $lt $lte
 * $gt $gte $in $nin`, a bare value meaning `$eq`. Filters are evaluated on the *indexed*
 * projection of the metadata (`indexed-metadata.ts`), as Vectorize does.
 *
 * Semantics where Vectorize's documentation is silent (the embedded index's choices):
 * - a property that is missing (or not indexable, e.g. a number under a string index) is `null`:
 *   `{p: null}` matches it, `$ne`/`$nin` with a value match it, range operators never do;
 * - string operands of `$eq $ne $in $nin` are cut to 64 bytes like the indexed values, so a long
 *   string still equals itself; range bounds are compared whole, in UTF-8 byte order;
 * - a range operand of another type than the value (number bound, string value) never matches.
 *
 * Stricter than Vectorize, on purpose: a filter on a property with no metadata index throws
 * `invalid_filter` (Vectorize silently matches nothing), as does an operand whose type cannot
 * match the index's type. Both are bugs that would otherwise show up only as empty results in
 * production; refusing them here catches them in local dev and tests.
 */
import { indexedMetadata, type IndexedMetadata } from "./indexed-metadata";
import { VECTORIZE_LIMITS } from "./limits";
import { compareUtf8, truncateUtf8, utf8ByteLength } from "./utf8";
import type { FilterScalar, MetadataFilter, MetadataIndexType, VectorMetadata } from "./vector-index";
import { VectorIndexError } from "./vector-index-error";

/** A compiled filter: true when the indexed metadata of a vector passes. */
export type MetadataPredicate = (indexed: IndexedMetadata) => boolean;

type Operator = "$eq" | "$ne" | "$lt" | "$lte" | "$gt" | "$gte" | "$in" | "$nin";
type IndexedValue = string | number | boolean | undefined;
type ValueTest = (value: IndexedValue) => boolean;

const OPERATOR_SHAPE: Record<Operator, "scalar" | "list" | "range-upper" | "range-lower"> = {
  $eq: "scalar",
  $ne: "scalar",
  $in: "list",
  $nin: "list",
  $lt: "range-upper",
  $lte: "range-upper",
  $gt: "range-lower",
  $gte: "range-lower",
};

/** Longest filter key Vectorize accepts. */
const MAX_FILTER_KEY_LENGTH = 512;

function fail(message: string): never {
  throw new VectorIndexError("invalid_filter", message);
}

function isScalar(value: unknown): value is FilterScalar {
  return value === null || typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function assertFilterKey(key: string): void {
  if (key.length === 0) fail("filter keys must not be empty");
  if (key.length > MAX_FILTER_KEY_LENGTH) fail(`filter key is longer than ${MAX_FILTER_KEY_LENGTH} characters`);
  if (key.includes('"')) fail(`filter key ${JSON.stringify(key)} contains '"'`);
  if (key.startsWith("$")) fail(`filter key ${JSON.stringify(key)} starts with '$'; operators go inside a property`);
  if (key.includes(".")) {
    fail(`filter key ${JSON.stringify(key)} addresses a nested property; metadata here is flat`);
  }
}

function assertOperandType(field: string, operator: string, operand: FilterScalar, type: MetadataIndexType | undefined): void {
  if (operand === null || type === undefined || typeof operand === type) return;
  fail(
    `${field}.${operator} compares with a ${typeof operand} but the metadata index on ${JSON.stringify(field)} ` +
      `is of type ${type}; it could never match`,
  );
}

function normalise(operand: FilterScalar): IndexedValue {
  if (operand === null) return undefined;
  return typeof operand === "string" ? truncateUtf8(operand, VECTORIZE_LIMITS.maxIndexedBytes) : operand;
}

function compileOperator(field: string, operator: Operator, operand: unknown, type: MetadataIndexType | undefined): ValueTest {
  switch (OPERATOR_SHAPE[operator]) {
    case "scalar": {
      if (!isScalar(operand)) fail(`${field}.${operator} takes a string, number, boolean or null`);
      assertOperandType(field, operator, operand, type);
      const expected = normalise(operand);
      return operator === "$eq" ? (value) => value === expected : (value) => value !== expected;
    }
    case "list": {
      if (!Array.isArray(operand)) fail(`${field}.${operator} takes an array`);
      for (const item of operand) {
        if (!isScalar(item)) fail(`${field}.${operator} items must be strings, numbers, booleans or null`);
        assertOperandType(field, operator, item, type);
      }
      const members = new Set<IndexedValue>(operand.map((item) => normalise(item as FilterScalar)));
      return operator === "$in" ? (value) => members.has(value) : (value) => !members.has(value);
    }
    case "range-upper":
    case "range-lower": {
      if (!(typeof operand === "string" || (typeof operand === "number" && Number.isFinite(operand)))) {
        fail(`${field}.${operator} takes a string or a finite number`);
      }
      if (type === "boolean") fail(`${field}.${operator}: range operators do not apply to a boolean index`);
      assertOperandType(field, operator, operand, type);
      const inRange: Record<"$lt" | "$lte" | "$gt" | "$gte", (order: number) => boolean> = {
        $lt: (order) => order < 0,
        $lte: (order) => order <= 0,
        $gt: (order) => order > 0,
        $gte: (order) => order >= 0,
      };
      const accept = inRange[operator as keyof typeof inRange];
      if (typeof operand === "string") {
        return (value) => typeof value === "string" && accept(compareUtf8(value, operand));
      }
      return (value) => typeof value === "number" && accept(value - operand);
    }
  }
}

function compileCondition(field: string, condition: unknown, type: MetadataIndexType | undefined): ValueTest {
  if (isScalar(condition)) return compileOperator(field, "$eq", condition, type);
  if (!isPlainObject(condition)) {
    fail(`${JSON.stringify(field)} must be a string, number, boolean, null or an object of operators`);
  }
  const operators = Object.keys(condition);
  if (operators.length === 0) fail(`${JSON.stringify(field)} has no operator`);
  for (const operator of operators) {
    if (!Object.hasOwn(OPERATOR_SHAPE, operator)) fail(`unknown operator ${JSON.stringify(operator)} on ${field}`);
  }
  if (operators.length > 1) {
    const shapes = operators.map((operator) => OPERATOR_SHAPE[operator as Operator]).sort();
    if (shapes.length !== 2 || shapes[0] !== "range-lower" || shapes[1] !== "range-upper") {
      fail(
        `${JSON.stringify(field)} combines ${operators.join(", ")}; only one lower ($gt/$gte) and one upper ` +
          `($lt/$lte) bound may be combined`,
      );
    }
  }
  const tests = operators.map((operator) => compileOperator(field, operator as Operator, condition[operator], type));
  return tests.length === 1 ? tests[0]! : (value) => tests.every((test) => test(value));
}

/**
 * Checks a filter and compiles it to a predicate over indexed metadata.
 * @param metadataIndexes the index's metadata indexes; `undefined` checks syntax and limits only
 * (for an adapter that does not know its remote index's configuration).
 * @throws VectorIndexError `invalid_filter` for an empty or oversized (> 2048 bytes) filter, bad keys,
 * unknown operators or combinations, bad operands, or a property without a metadata index.
 */
export function compileMetadataFilter(
  filter: MetadataFilter,
  metadataIndexes: Record<string, MetadataIndexType> | undefined,
): MetadataPredicate {
  if (!isPlainObject(filter)) fail("filter must be an object of property → condition");
  const fields = Object.keys(filter);
  if (fields.length === 0) fail("filter must not be empty; omit it to match everything");
  const bytes = utf8ByteLength(JSON.stringify(filter));
  if (bytes > VECTORIZE_LIMITS.maxFilterBytes) {
    fail(`filter is ${bytes} bytes as JSON; the limit is ${VECTORIZE_LIMITS.maxFilterBytes}`);
  }
  const conditions = fields.map((field) => {
    assertFilterKey(field);
    const type = metadataIndexes?.[field];
    if (metadataIndexes !== undefined && type === undefined) {
      const indexed = Object.keys(metadataIndexes).join(", ") || "none";
      fail(`no metadata index on ${JSON.stringify(field)} (indexed: ${indexed}); Vectorize would silently match nothing`);
    }
    return { field, test: compileCondition(field, filter[field], type) };
  });
  return (indexed) => conditions.every(({ field, test }) => test(indexed[field]));
}

/** Checks a filter without keeping the predicate; see `compileMetadataFilter`. */
export function validateMetadataFilter(filter: MetadataFilter, metadataIndexes: Record<string, MetadataIndexType> | undefined): void {
  compileMetadataFilter(filter, metadataIndexes);
}

/**
 * Whether a vector's metadata passes `filter` under `metadataIndexes`.
 * @example matchesFilter({ genre: "drama", year: 1994 }, { year: { $gte: 1990 } }, { year: "number" }) // true
 */
export function matchesFilter(
  metadata: VectorMetadata | undefined,
  filter: MetadataFilter,
  metadataIndexes: Record<string, MetadataIndexType>,
): boolean {
  return compileMetadataFilter(filter, metadataIndexes)(indexedMetadata(metadata, metadataIndexes));
}
