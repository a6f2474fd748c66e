/**
 * Loader for MovieLens "latest"-style CSV folders (`ratings.csv`, `movies.csv`, optional
 * `tags.csv`; see `movielens-files.ts`), the layout of ml-latest, ml-latest-small and ml-25m.
 * Columns are found by header name; titles may hold quoted commas; genres are `|`-separated
 * (`(no genres listed)` means none); the release year is read from the title's `(1995)` suffix;
 * tags become item metadata, most frequent first. Every rating becomes one `rating` event.
 * Malformed records are counted and reported with their line numbers, never fatal.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { CatalogItem, Dataset, ItemCatalog, UserDirectory } from "./dataset";
import { DatasetFormatError } from "./detect-dataset-format";
import { EventLogBuilder, weightedInteractions } from "./event-log";
import { type DatasetEventWeights, defaultEventWeights } from "./dataset-event-weights";
import { IdIndex } from "./id-index";
import { LoadIssueLog } from "./load-issue-log";
import { MOVIELENS_LATEST_FILES } from "./movielens-files";
import { isMovielensId, parseMovielensRating } from "./movielens-rating";
import { readCsvRecords, type CsvRecord } from "./read-csv-records";
import { reportMergedRatings } from "./report-merged-ratings";

/** Options of {@link loadMovielensLatest}. */
export interface MovielensLatestOptions {
  /** Dataset name (default: the folder name). */
  name: string;
  maxIssueSamples: number;
  /** Most frequent tags kept per item. */
  maxTagsPerItem: number;
  /** The weight table (default: `default:movielens`, every rating positive). */
  eventWeights?: DatasetEventWeights;
}

/** Reads a MovieLens CSV folder; `ratings.csv` and `movies.csv` are required. */
export async function loadMovielensLatest(folder: string, options: Partial<MovielensLatestOptions> = {}): Promise<Dataset> {
  const opts = { name: "ml-latest", maxIssueSamples: 20, maxTagsPerItem: 20, ...options } satisfies MovielensLatestOptions;
  const files = MOVIELENS_LATEST_FILES;
  for (const required of [files.ratings, files.movies]) {
    if (!(await isFile(join(folder, required)))) throw new DatasetFormatError(`MovieLens folder ${folder} has no ${required}`);
  }
  const issues = new LoadIssueLog({ maxSamples: opts.maxIssueSamples });
  const items = await readMovies(join(folder, files.movies), issues);
  const users: UserDirectory = { ids: new IdIndex(), profiles: [] };

  const events = new EventLogBuilder();
  const ratings = await columnReader(join(folder, files.ratings), ["userId", "movieId", "rating", "timestamp"], issues);
  for await (const { line, fields } of ratings.records) {
    const picked = ratings.pick(fields);
    if (picked === undefined) {
      issues.record(files.ratings, line, `expected ${ratings.width} fields, got ${fields.length}`);
      continue;
    }
    const parsed = parseMovielensRating(picked);
    if (typeof parsed === "string") {
      issues.record(files.ratings, line, parsed);
      continue;
    }
    const item = items.ids.indexOf(parsed.itemId);
    if (item < 0) {
      issues.record(files.ratings, line, `unknown movieId "${parsed.itemId}" (not in ${files.movies})`);
      continue;
    }
    const user = users.ids.add(parsed.userId);
    if (user === users.profiles.length) users.profiles.push(undefined);
    events.push(user, item, "rating", parsed.ts, parsed.rating);
  }
  if (await isFile(join(folder, files.tags))) await readTags(join(folder, files.tags), items, opts.maxTagsPerItem, issues);

  const log = events.finish();
  const eventWeights = opts.eventWeights ?? defaultEventWeights("movielens-latest");
  const { positives: interactions, negatives } = weightedInteractions(
    log,
    { users: users.ids.size, items: items.ids.size },
    eventWeights.weights,
  );
  reportMergedRatings(interactions, files.ratings, issues);
  return { name: opts.name, format: "movielens-latest", items, users, events: log, interactions, negatives, eventWeights, issues };
}

/** A CSV file's records after its header, and a function picking the wanted columns in order. */
interface ColumnReader {
  records: AsyncGenerator<CsvRecord>;
  /** The wanted columns in order, or undefined when the record's field count differs from the header's. */
  pick: (fields: readonly string[]) => string[] | undefined;
  /** Number of columns in the header. */
  width: number;
}

/** Opens `path`, reads its header and maps `columns` to positions; a missing column is fatal. */
async function columnReader(path: string, columns: readonly string[], issues: LoadIssueLog): Promise<ColumnReader> {
  const records = readCsvRecords(path, issues);
  const header = await records.next();
  const file = path.split("/").at(-1)!;
  if (header.done) throw new DatasetFormatError(`${file} is empty (expected a header: ${columns.join(",")})`);
  const names = header.value.fields.map((name) => name.trim().replace(/^\uFEFF/, ""));
  const positions = columns.map((column) => names.indexOf(column));
  const missing = columns.filter((_, i) => positions[i]! < 0);
  if (missing.length > 0) {
    throw new DatasetFormatError(`${file} header "${names.join(",")}" lacks column(s) ${missing.join(", ")}`);
  }
  return {
    records,
    pick: (fields) => (fields.length === names.length ? positions.map((p) => fields[p]!) : undefined),
    width: names.length,
  };
}

/** `movies.csv`: movieId,title,genres. */
async function readMovies(path: string, issues: LoadIssueLog): Promise<ItemCatalog> {
  const file = MOVIELENS_LATEST_FILES.movies;
  const catalog: ItemCatalog = { ids: new IdIndex(), items: [] };
  const movies = await columnReader(path, ["movieId", "title", "genres"], issues);
  for await (const { line, fields } of movies.records) {
    const picked = movies.pick(fields);
    if (picked === undefined) {
      issues.record(file, line, `expected ${movies.width} fields (movieId,title,genres), got ${fields.length}`);
      continue;
    }
    const [id, title, genreText] = picked.map((f) => f.trim()) as [string, string, string];
    if (!isMovielensId(id)) {
      issues.record(file, line, `movieId "${id}" is not an integer`);
      continue;
    }
    if (catalog.ids.has(id)) {
      issues.record(file, line, `duplicate movieId "${id}"`);
      continue;
    }
    const genres = genreText === "" || genreText === "(no genres listed)" ? [] : genreText.split("|").filter(Boolean);
    const year = /\((\d{4})\)\s*$/.exec(title)?.[1];
    const item: CatalogItem = {
      id,
      title: title || id,
      genres,
      category: genres[0] ?? "unknown",
      releasedAt: year !== undefined ? Date.UTC(Number(year), 0, 1) / 1000 : 0,
      sponsored: false,
    };
    catalog.ids.add(id);
    catalog.items.push(item);
  }
  return catalog;
}

/** `tags.csv`: userId,movieId,tag,timestamp → each item's tags, most frequent first. */
async function readTags(path: string, items: ItemCatalog, maxTags: number, issues: LoadIssueLog): Promise<void> {
  const file = MOVIELENS_LATEST_FILES.tags;
  const counts = new Map<number, Map<string, { tag: string; count: number }>>();
  const tags = await columnReader(path, ["userId", "movieId", "tag"], issues);
  for await (const { line, fields } of tags.records) {
    const picked = tags.pick(fields);
    if (picked === undefined) {
      issues.record(file, line, `expected ${tags.width} fields (userId,movieId,tag,timestamp), got ${fields.length}`);
      continue;
    }
    const [, movieId, rawTag] = picked.map((f) => f.trim()) as [string, string, string];
    const item = items.ids.indexOf(movieId);
    if (item < 0) {
      issues.record(file, line, `unknown movieId "${movieId}" (not in ${MOVIELENS_LATEST_FILES.movies})`);
      continue;
    }
    if (rawTag === "") {
      issues.record(file, line, "empty tag");
      continue;
    }
    const perItem = counts.get(item) ?? new Map<string, { tag: string; count: number }>();
    counts.set(item, perItem);
    const key = rawTag.toLowerCase();
    const entry = perItem.get(key) ?? { tag: rawTag, count: 0 };
    entry.count++;
    perItem.set(key, entry);
  }
  for (const [item, perItem] of counts) {
    items.items[item]!.tags = [...perItem.values()]
      .sort((a, b) => b.count - a.count || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
      .slice(0, maxTags)
      .map((entry) => entry.tag);
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
