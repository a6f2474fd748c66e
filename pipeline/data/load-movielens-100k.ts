/**
 * Loader for MovieLens 100k folders (`u.data`, `u.item`, `u.user`, `u.genre`; see
 * `movielens-files.ts`). Every rating becomes one `rating` event (value = the stars), weighted by
 * the event-weight table; with the MovieLens default (no negative ratings) the interaction matrix
 * holds every rated pair whatever its value — the published protocol's binary relevance — and the
 * stars set the confidence. Ids stay strings (`"196"`); indices are dense and in file order. The files are
 * Latin-1. Malformed lines are counted and reported with their line numbers, never fatal.
 */
import { stat } from "node:fs/promises";
import { join } from "node:path";
import type { CatalogItem, Dataset, ItemCatalog, UserDirectory } from "./dataset";
import { DatasetFormatError } from "./detect-dataset-format";
import { EventLogBuilder, weightedInteractions } from "./event-log";
import { type DatasetEventWeights, defaultEventWeights } from "./dataset-event-weights";
import { IdIndex } from "./id-index";
import { LoadIssueLog } from "./load-issue-log";
import { MOVIELENS_100K_FILES } from "./movielens-files";
import { ageBucket, isMovielensId, parseMovielensRating } from "./movielens-rating";
import { readTextLines } from "./read-text-lines";
import { reportMergedRatings } from "./report-merged-ratings";

/** Options of {@link loadMovielens100k}. */
export interface Movielens100kOptions {
  /** Dataset name (default: the folder name, e.g. `ml-100k`). */
  name: string;
  maxIssueSamples: number;
  /** The weight table (default: `default:movielens`, every rating positive). */
  eventWeights?: DatasetEventWeights;
}

/** The 19 genres of `u.genre`, used when the folder has no `u.genre`. */
export const MOVIELENS_100K_GENRES = [
  "unknown",
  "Action",
  "Adventure",
  "Animation",
  "Children's",
  "Comedy",
  "Crime",
  "Documentary",
  "Drama",
  "Fantasy",
  "Film-Noir",
  "Horror",
  "Musical",
  "Mystery",
  "Romance",
  "Sci-Fi",
  "Thriller",
  "War",
  "Western",
] as const;

const MONTHS: Record<string, number> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};

/** Reads a MovieLens 100k folder; `u.data` and `u.item` are required, `u.user` and `u.genre` optional. */
export async function loadMovielens100k(folder: string, options: Partial<Movielens100kOptions> = {}): Promise<Dataset> {
  const opts = { name: "ml-100k", maxIssueSamples: 20, ...options } satisfies Movielens100kOptions;
  const files = MOVIELENS_100K_FILES;
  for (const required of [files.ratings, files.items]) {
    if (!(await isFile(join(folder, required)))) throw new DatasetFormatError(`MovieLens 100k folder ${folder} has no ${required}`);
  }
  const issues = new LoadIssueLog({ maxSamples: opts.maxIssueSamples });
  const genres = await readGenres(join(folder, files.genres), issues);
  const items = await readItems(join(folder, files.items), genres, issues);
  const users = await readUsers(join(folder, files.users), issues);

  const events = new EventLogBuilder();
  for await (const { line, text } of readTextLines(join(folder, files.ratings), { encoding: "latin1" })) {
    if (text.trim() === "") continue;
    const parsed = parseMovielensRating(text.split("\t"));
    if (typeof parsed === "string") {
      issues.record(files.ratings, line, parsed);
      continue;
    }
    const item = items.ids.indexOf(parsed.itemId);
    if (item < 0) {
      issues.record(files.ratings, line, `unknown item id "${parsed.itemId}" (not in ${files.items})`);
      continue;
    }
    let user = users.ids.indexOf(parsed.userId);
    if (user < 0) {
      user = users.ids.add(parsed.userId);
      users.profiles.push(undefined);
    }
    events.push(user, item, "rating", parsed.ts, parsed.rating);
  }
  const log = events.finish();
  const eventWeights = opts.eventWeights ?? defaultEventWeights("movielens-100k");
  const { positives: interactions, negatives } = weightedInteractions(
    log,
    { users: users.ids.size, items: items.ids.size },
    eventWeights.weights,
  );
  reportMergedRatings(interactions, files.ratings, issues);
  return { name: opts.name, format: "movielens-100k", items, users, events: log, interactions, negatives, eventWeights, issues };
}

async function readGenres(path: string, issues: LoadIssueLog): Promise<string[]> {
  if (!(await isFile(path))) return [...MOVIELENS_100K_GENRES];
  const byIndex: string[] = [];
  for await (const { line, text } of readTextLines(path, { encoding: "latin1" })) {
    if (text.trim() === "") continue;
    const [name, index] = text.split("|");
    const position = Number(index);
    if (!name || !Number.isInteger(position) || position < 0) {
      issues.record(MOVIELENS_100K_FILES.genres, line, "expected genre|index");
      continue;
    }
    byIndex[position] = name;
  }
  return Array.from(byIndex, (name, i) => name ?? `genre-${i}`);
}

/** `u.item`: id|title|release date|video release date|IMDb URL|one 0/1 flag per genre. */
async function readItems(path: string, genres: readonly string[], issues: LoadIssueLog): Promise<ItemCatalog> {
  const file = MOVIELENS_100K_FILES.items;
  const catalog: ItemCatalog = { ids: new IdIndex(), items: [] };
  for await (const { line, text } of readTextLines(path, { encoding: "latin1" })) {
    if (text.trim() === "") continue;
    const fields = text.split("|");
    if (fields.length < 5 + genres.length) {
      issues.record(file, line, `expected ${5 + genres.length} fields, got ${fields.length}`);
      continue;
    }
    const id = fields[0]!.trim();
    if (!isMovielensId(id)) {
      issues.record(file, line, `item id "${id}" is not an integer`);
      continue;
    }
    if (catalog.ids.has(id)) {
      issues.record(file, line, `duplicate item id "${id}"`);
      continue;
    }
    const flags = fields.slice(fields.length - genres.length);
    if (flags.some((flag) => flag !== "0" && flag !== "1")) {
      issues.record(file, line, "genre flags must be 0 or 1");
      continue;
    }
    const titleEnd = fields.length - genres.length - 3;
    const itemGenres = genres.filter((_, g) => flags[g] === "1" && genres[g] !== "unknown");
    const item: CatalogItem = {
      id,
      title: fields.slice(1, titleEnd).join("|").trim() || id,
      genres: itemGenres,
      category: itemGenres[0] ?? "unknown",
      releasedAt: parseReleaseDate(fields[titleEnd]!.trim()),
      sponsored: false,
    };
    catalog.ids.add(id);
    catalog.items.push(item);
  }
  return catalog;
}

/** `u.user`: id|age|gender|occupation|zip. */
async function readUsers(path: string, issues: LoadIssueLog): Promise<UserDirectory> {
  const file = MOVIELENS_100K_FILES.users;
  const directory: UserDirectory = { ids: new IdIndex(), profiles: [] };
  if (!(await isFile(path))) return directory;
  for await (const { line, text } of readTextLines(path, { encoding: "latin1" })) {
    if (text.trim() === "") continue;
    const fields = text.split("|").map((f) => f.trim());
    if (fields.length !== 5) {
      issues.record(file, line, `expected 5 fields (id|age|gender|occupation|zip), got ${fields.length}`);
      continue;
    }
    const [id, ageText, gender, occupation] = fields as [string, string, string, string, string];
    const age = Number(ageText);
    if (!isMovielensId(id) || !Number.isInteger(age) || age < 0) {
      issues.record(file, line, `invalid user id "${id}" or age "${ageText}"`);
      continue;
    }
    if (directory.ids.has(id)) {
      issues.record(file, line, `duplicate user id "${id}"`);
      continue;
    }
    directory.ids.add(id);
    directory.profiles.push({
      ageBucket: ageBucket(age),
      ...(gender !== "" ? { gender } : {}),
      ...(occupation !== "" ? { occupation } : {}),
    });
  }
  return directory;
}

/** `01-Jan-1995` → seconds since epoch; 0 when empty or unreadable. */
function parseReleaseDate(text: string): number {
  const match = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  const month = match ? MONTHS[match[2]!] : undefined;
  if (!match || month === undefined) return 0;
  return Date.UTC(Number(match[3]), month, Number(match[1])) / 1000;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}
