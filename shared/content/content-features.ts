/**
 * The content features of an item, one definition for training (pipeline/models/content-encoder)
 * and serving (the edge encodes items added through `PUT /v1/items/:id`): a bias, the item's
 * genres from a fixed vocabulary, its release decade and standardised year, and the words of its
 * title hashed into a fixed number of signed buckets (no vocabulary to ship, new words still land
 * somewhere).
 */
import { fnv1a } from "../math/fnv1a";

/** The metadata a content feature row is built from; everything is optional. */
export interface ContentMetadata {
  title?: string;
  genres?: readonly string[];
  /** Primary category; counted as a genre when not already among `genres`. */
  category?: string;
  /** Release time, seconds since epoch. */
  released_at?: number;
  /** Release year; wins over `released_at`. */
  year?: number;
}

/** The fitted shape of the feature row (part of the published encoder). */
export interface ContentFeatureSpec {
  /** Genre vocabulary; unknown genres are ignored. */
  genres: string[];
  /** Decade buckets: `first` (e.g. 1950) and how many; years outside are clamped to the ends. */
  decades: { first: number; count: number };
  /** Mean and standard deviation of the release year over the training items. */
  year: { mean: number; std: number };
  /** Number of signed hash buckets for title words. */
  titleBuckets: number;
}

/** Words too common to say anything about an item. */
const STOP_WORDS: ReadonlySet<string> = new Set(["the", "a", "an", "of", "and", "in", "on", "to", "for", "la", "le", "el", "de"]);

/** Length of the feature row for `spec`. */
export function contentFeatureCount(spec: ContentFeatureSpec): number {
  return 1 + spec.genres.length + spec.decades.count + 2 + spec.titleBuckets;
}

/** Lower-case word tokens of a title, without stop words and one-letter tokens. */
export function titleTokens(title: string | undefined): string[] {
  if (!title) return [];
  return title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 1 && !STOP_WORDS.has(token));
}

/** The release year of `metadata`, or null when unknown (a `released_at` of 0 means unknown). */
export function releaseYear(metadata: ContentMetadata): number | null {
  if (metadata.year !== undefined && Number.isFinite(metadata.year)) return Math.trunc(metadata.year);
  if (metadata.released_at !== undefined && Number.isFinite(metadata.released_at) && metadata.released_at !== 0) {
    return new Date(metadata.released_at * 1000).getUTCFullYear();
  }
  return null;
}

/**
 * The feature row: `[bias, genres…, decades…, year (standardised), year known, title buckets…]`.
 * Multi-valued groups are scaled to unit length so a long title or many genres do not dominate.
 */
export function contentFeatures(metadata: ContentMetadata, spec: ContentFeatureSpec): Float64Array {
  const row = new Float64Array(contentFeatureCount(spec));
  row[0] = 1;
  let offset = 1;
  const genres = new Set(metadata.genres ?? []);
  if (metadata.category) genres.add(metadata.category);
  const known = spec.genres.map((genre, g) => (genres.has(genre) ? g : -1)).filter((g) => g >= 0);
  for (const g of known) row[offset + g] = 1 / Math.sqrt(known.length);
  offset += spec.genres.length;
  const year = releaseYear(metadata);
  if (year !== null && spec.decades.count > 0) {
    const bucket = Math.min(spec.decades.count - 1, Math.max(0, Math.floor((year - spec.decades.first) / 10)));
    row[offset + bucket] = 1;
  }
  offset += spec.decades.count;
  if (year !== null) {
    row[offset] = spec.year.std > 0 ? (year - spec.year.mean) / spec.year.std : 0;
    row[offset + 1] = 1;
  }
  offset += 2;
  const tokens = titleTokens(metadata.title);
  if (spec.titleBuckets > 0) {
    for (const token of tokens) {
      const hash = fnv1a(token);
      const sign = hash & 0x80000000 ? -1 : 1;
      row[offset + (hash % spec.titleBuckets)]! += sign / Math.sqrt(tokens.length);
    }
  }
  return row;
}
