/**
 * Reads the factors a Spark MLlib ALS job wrote (docs/spark-als.md) and checks them before anything
 * is published: every vector has the same number of finite features, every integer id ALS trained
 * on maps to exactly one original id and back, and a bad line is named by file and line number.
 *
 * A factors folder:
 *
 *   <folder>/userFactors/part-*.json[.gz]   {"id": <int>, "features": [<float>, …]}   model.userFactors.write.json(…)
 *   <folder>/itemFactors/part-*.json[.gz]   the same for items                          model.itemFactors.write.json(…)
 *   <folder>/user_ids/part-*.json[.gz]      {"index": <int>, "id": "<user id>"}         the job's integer ids of users
 *   <folder>/item_ids/part-*.json[.gz]      {"index": <int>, "id": "<item id>"}         … and of items
 *   <folder>/meta.json                      optional: {"rank", "regParam", "alpha", "maxIter", "dataset", "metrics"}
 *
 * Each of the four may also be one plain file, `<name>.json` or `<name>.json.gz` (or a folder of
 * that name: what `.write.json("userFactors.json")` makes). In a folder, Hadoop's marker and
 * checksum files (`_SUCCESS`, `_committed_*`, `.part-….crc`) are skipped and part files are read in
 * name order; part files compressed other than with gzip are refused with a clear message.
 */
import { readdir, readFile } from "node:fs/promises";
import { createReadStream } from "node:fs";
import { join, relative } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { z } from "zod";
import { isDirectory, isFile } from "../data/file-kind";

/** The four parts of a factors folder, by their name in it. */
export const SPARK_FACTOR_PARTS = {
  userFactors: "userFactors",
  itemFactors: "itemFactors",
  userIds: "user_ids",
  itemIds: "item_ids",
} as const;

/** The optional description of the Spark run. */
export const SPARK_META_FILE = "meta.json";

/** What `meta.json` may say (more fields are kept as they are). */
export const sparkAlsMetaSchema = z.looseObject({
  /** ALS `rank`: must equal the length of every factor vector. */
  rank: z.number().int().positive().optional(),
  regParam: z.number().nonnegative().optional(),
  alpha: z.number().nonnegative().optional(),
  maxIter: z.number().int().positive().optional(),
  /** What the job trained on (recorded as the manifest's `dataset`), e.g. `r2:edge-recs-events`. */
  dataset: z.string().min(1).optional(),
  /** Offline metrics the job measured, recorded in the manifest. */
  metrics: z.record(z.string(), z.number()).optional(),
});

/** The parsed `meta.json` (empty when there is none). */
export type SparkAlsMeta = z.infer<typeof sparkAlsMetaSchema>;

/** One side's factors: row `r` is the vector of `ids[r]` (original string ids, factor-file order). */
export interface FactorTable {
  ids: string[];
  /** Row-major `ids.length × dimensions`. */
  vectors: Float32Array;
}

/** A checked factors folder. */
export interface SparkFactors {
  dimensions: number;
  users: FactorTable;
  items: FactorTable;
  meta: SparkAlsMeta;
  /** Every file read, relative to the folder. */
  files: string[];
}

/** A factors folder that cannot be imported; the message says which file and line, and why. */
export class SparkFactorsError extends Error {
  override name = "SparkFactorsError";
}

type Side = "user" | "item";

const FACTORS: Record<Side, string> = { user: SPARK_FACTOR_PARTS.userFactors, item: SPARK_FACTOR_PARTS.itemFactors };
const ID_MAPS: Record<Side, string> = { user: SPARK_FACTOR_PARTS.userIds, item: SPARK_FACTOR_PARTS.itemIds };

/** Part files Spark writes that are JSON lines; any other data file is refused. */
const JSON_PART = /\.json(\.gz)?$/;

/** Reads and checks the factors folder `folder`; throws {@link SparkFactorsError} on the first problem. */
export async function readSparkFactors(folder: string): Promise<SparkFactors> {
  if (!(await isDirectory(folder))) throw new SparkFactorsError(`${folder} is not a folder (expected a Spark ALS factors folder)`);
  const files: string[] = [];
  const meta = await readMeta(folder, files);
  const expected: Dimensions = meta.rank !== undefined ? { value: meta.rank, source: `${SPARK_META_FILE} rank` } : {};
  const users = await readSide(folder, "user", expected, files);
  const items = await readSide(folder, "item", expected, files);
  return { dimensions: expected.value!, users, items, meta, files };
}

/** The expected vector length and where it was learnt (for messages). */
interface Dimensions {
  value?: number;
  source?: string;
}

async function readMeta(folder: string, files: string[]): Promise<SparkAlsMeta> {
  const path = join(folder, SPARK_META_FILE);
  if (!(await isFile(path))) return {};
  files.push(SPARK_META_FILE);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, "utf8"));
  } catch (error) {
    throw new SparkFactorsError(`${SPARK_META_FILE}: invalid JSON (${(error as Error).message})`);
  }
  const parsed = sparkAlsMetaSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SparkFactorsError(`${SPARK_META_FILE}: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  return parsed.data;
}

/** Reads one side's id map, then streams its factors, joining each factor id to its original id. */
async function readSide(folder: string, side: Side, expected: Dimensions, files: string[]): Promise<FactorTable> {
  const mapName = ID_MAPS[side];
  const factorName = FACTORS[side];
  const mapFiles = await partFiles(folder, mapName);
  files.push(...mapFiles.map((file) => relative(folder, file)));
  const originalIds = await readIdMap(folder, mapFiles, mapName);

  const factorFiles = await partFiles(folder, factorName);
  files.push(...factorFiles.map((file) => relative(folder, file)));
  const ids: string[] = [];
  let vectors = new Float32Array(1024);
  const firstSeen = new Map<number, string>();
  for (const file of factorFiles) {
    const name = relative(folder, file);
    for await (const { line, record } of jsonRecords(file, name)) {
      const where = `${name}:${line}`;
      const id = record.id;
      if (typeof id !== "number" || !Number.isInteger(id)) {
        throw new SparkFactorsError(`${where}: "id" must be an integer (ALS's ${side} id), got ${JSON.stringify(id)}`);
      }
      const features = record.features;
      if (!Array.isArray(features)) {
        throw new SparkFactorsError(`${where}: "features" must be an array of numbers, got ${JSON.stringify(features)?.slice(0, 60)}`);
      }
      if (expected.value === undefined) {
        if (features.length === 0) throw new SparkFactorsError(`${where}: "features" is empty`);
        expected.value = features.length;
        expected.source = `as in ${where}`;
      }
      const d = expected.value;
      if (features.length !== d) throw new SparkFactorsError(`${where}: ${features.length} features, expected ${d} (${expected.source})`);
      const earlier = firstSeen.get(id);
      if (earlier !== undefined) throw new SparkFactorsError(`${where}: ${side} factor id ${id} appears twice (first at ${earlier})`);
      firstSeen.set(id, where);
      const original = originalIds.get(id);
      if (original === undefined) {
        throw new SparkFactorsError(
          `${where}: ${side} factor id ${id} has no entry in ${mapName} (build the id maps from the ratings ALS was fitted on)`,
        );
      }
      const row = ids.length;
      if ((row + 1) * d > vectors.length) {
        const grown = new Float32Array(Math.max(vectors.length * 2, (row + 1) * d));
        grown.set(vectors);
        vectors = grown;
      }
      for (let j = 0; j < d; j++) {
        const value = features[j];
        if (typeof value !== "number" || !Number.isFinite(value) || !Number.isFinite(Math.fround(value))) {
          throw new SparkFactorsError(`${where}: features[${j}] is not a finite float32 number (got ${JSON.stringify(value)})`);
        }
        vectors[row * d + j] = value;
      }
      ids.push(original);
    }
  }
  if (ids.length === 0) throw new SparkFactorsError(`${factorName} holds no factors`);
  if (ids.length < originalIds.size) {
    const missing = [...originalIds].filter(([index]) => !firstSeen.has(index));
    const sample = missing
      .slice(0, 3)
      .map(([index, id]) => `index ${index} → ${JSON.stringify(id)}`)
      .join(", ");
    throw new SparkFactorsError(
      `${missing.length} of ${originalIds.size} ${mapName} entries have no ${side} factors (${sample}${missing.length > 3 ? ", …" : ""}): ` +
        "build the id maps from the ratings ALS was fitted on",
    );
  }
  return { ids, vectors: vectors.slice(0, ids.length * expected.value!) };
}

/** index → original id, every index and every id once. */
async function readIdMap(folder: string, files: readonly string[], mapName: string): Promise<Map<number, string>> {
  const byIndex = new Map<number, string>();
  const where = new Map<string, string>();
  for (const file of files) {
    const name = relative(folder, file);
    for await (const { line, record } of jsonRecords(file, name)) {
      const at = `${name}:${line}`;
      const index = record.index;
      if (typeof index !== "number" || !Number.isInteger(index)) {
        throw new SparkFactorsError(`${at}: "index" must be an integer (the id ALS trained on), got ${JSON.stringify(index)}`);
      }
      const raw = record.id;
      const id = typeof raw === "string" ? raw : typeof raw === "number" && Number.isSafeInteger(raw) ? String(raw) : undefined;
      if (id === undefined || id.length === 0) {
        throw new SparkFactorsError(`${at}: "id" must be the original id (a non-empty string), got ${JSON.stringify(raw)}`);
      }
      const sameIndex = byIndex.get(index);
      if (sameIndex !== undefined) {
        throw new SparkFactorsError(`${at}: index ${index} appears twice in ${mapName} (first for ${JSON.stringify(sameIndex)})`);
      }
      const sameId = where.get(id);
      if (sameId !== undefined)
        throw new SparkFactorsError(`${at}: id ${JSON.stringify(id)} appears twice in ${mapName} (first at ${sameId})`);
      byIndex.set(index, id);
      where.set(id, at);
    }
  }
  if (byIndex.size === 0) throw new SparkFactorsError(`${mapName} holds no entries`);
  return byIndex;
}

/** The JSON-lines files of part `name`: a Spark output folder's part files, or one plain file. */
async function partFiles(folder: string, name: string): Promise<string[]> {
  const candidates = [name, `${name}.json`, `${name}.json.gz`].map((candidate) => join(folder, candidate));
  const present: string[] = [];
  for (const path of candidates) if ((await isDirectory(path)) || (await isFile(path))) present.push(path);
  if (present.length === 0) {
    throw new SparkFactorsError(`${folder} has no ${name}/ (nor ${name}.json or ${name}.json.gz); see docs/spark-als.md for the layout`);
  }
  if (present.length > 1) {
    throw new SparkFactorsError(`${folder} has both ${present.map((path) => relative(folder, path)).join(" and ")}: keep one`);
  }
  const path = present[0]!;
  if (await isFile(path)) return [path];
  const entries = (await readdir(path, { withFileTypes: true }))
    .filter((entry) => !entry.name.startsWith("_") && !entry.name.startsWith("."))
    .sort((a, b) => a.name.localeCompare(b.name));
  const parts: string[] = [];
  for (const entry of entries) {
    const file = join(path, entry.name);
    if (!entry.isFile() || !JSON_PART.test(entry.name)) {
      throw new SparkFactorsError(
        `${relative(folder, file)}: not a JSON-lines part file (.json or .json.gz); write it with .write.json(…), ` +
          'compression "gzip" or "none"',
      );
    }
    parts.push(file);
  }
  if (parts.length === 0) throw new SparkFactorsError(`${relative(folder, path)}/ holds no part files`);
  return parts;
}

/** Every non-blank line of `file` (gunzipped when it ends in .gz) as a JSON object, with its line number. */
async function* jsonRecords(file: string, name: string): AsyncGenerator<{ line: number; record: Record<string, unknown> }> {
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  let line = 0;
  try {
    for await (const text of createInterface({ input, crlfDelay: Infinity })) {
      line++;
      if (text.trim().length === 0) continue;
      let record: unknown;
      try {
        record = JSON.parse(text);
      } catch (error) {
        throw new SparkFactorsError(`${name}:${line}: invalid JSON (${(error as Error).message})`);
      }
      if (typeof record !== "object" || record === null || Array.isArray(record)) {
        throw new SparkFactorsError(`${name}:${line}: expected a JSON object, got ${text.slice(0, 60)}`);
      }
      yield { line, record: record as Record<string, unknown> };
    }
  } catch (error) {
    if (error instanceof SparkFactorsError) throw error;
    throw new SparkFactorsError(`${name}: cannot read after line ${line} (${(error as Error).message})`);
  } finally {
    raw.destroy();
  }
}
