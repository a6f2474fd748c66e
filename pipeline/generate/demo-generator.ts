/**
 * Deterministic synthetic data for a media service: a catalogue with genres, release dates and
 * sponsored titles, users with demographics and genre tastes, and an interaction log (impressions,
 * views, completes, likes, ratings, skips, …) driven by latent tastes and power-law popularity.
 * Same options → same records (all randomness comes from `createRng`; no clock, no Math.random).
 *
 * With `positionBias` (off by default, so the default demo is unchanged) each session is a list of
 * `listLength` items ordered by a popularity-leaning logging policy — or, in a share `exploreShare`
 * of the sessions, shuffled uniformly at random (request id `explore:…`) — and the user looks at the
 * slot at position p only with probability θₚ = (1/(1+p))^η (the position-based click model): logged
 * engagement is position-biased, and the generator returns the ground truth (the curve and what
 * each user's relevance of each item is) for `ground-truth.json`, which training never reads.
 */
import { createRng, type Rng } from "../../shared/math/random";
import type { InteractionEvent, Surface } from "../../shared/events/interaction-event";
import { normalizeInPlace, sigmoid } from "../../shared/math/vector";
import { examinationCurve, examinationProbability } from "../bias/examination-curve";
import { explorationRequestId } from "../bias/exploration-request";
import { GROUND_TRUTH_FORMAT, type DemoGroundTruth } from "../bias/ground-truth";
import { EVENT_LOG_FORMAT, type CatalogItemRecord, type EventLogDescriptor, type UserProfileRecord } from "../data/event-log-folder";
import {
  DEMO_AGE_BUCKETS,
  DEMO_COUNTRIES,
  DEMO_DEVICES,
  DEMO_GENDERS,
  DEMO_GENRES,
  TITLE_ADJECTIVES,
  TITLE_NAMES,
  TITLE_NOUNS,
  TITLE_PLACES,
} from "./demo-vocabulary";

/** Options of {@link generateDemoData}. */
export interface DemoGeneratorOptions {
  /** Catalogue size. */
  items: number;
  /** Number of users. */
  users: number;
  seed: number;
  /** Length of the interaction window, ending at `endTime`. */
  days: number;
  /** Size of the hidden taste space that drives choices. */
  latentDims: number;
  /** End of the interaction window, ms since epoch (fixed so output never depends on the clock). */
  endTime: number;
  /** How far back release dates go, in years. */
  releaseYears: number;
  /** Share of sponsored items. */
  sponsoredShare: number;
  /** Zipf exponent of item popularity. */
  popularityExponent: number;
  /** Dataset name written into `dataset.json`. */
  name: string;
  /** Position-biased clicks with a known ground truth (absent: the default demo, no position effect). */
  positionBias?: PositionBiasOptions;
}

/** How {@link generateDemoData} simulates position bias. */
export interface PositionBiasOptions {
  /** Exponent η of the examination curve θₚ = (1/(1+p))^η (0: no position effect). */
  eta: number;
  /** Share of sessions whose list is shown in a uniformly random order (the exploration responses). */
  exploreShare: number;
  /** Items shown per session (the list; every slot is logged as an impression). */
  listLength: number;
}

/** Defaults of {@link PositionBiasOptions} besides η: 10 % randomised lists of 10 items. */
export const POSITION_BIAS_DEFAULTS = { exploreShare: 0.1, listLength: 10 } as const satisfies Omit<PositionBiasOptions, "eta">;

/** Defaults: a 5k-item, 2k-user, 90-day log of roughly 150k events. */
export const DEMO_GENERATOR_DEFAULTS = {
  items: 5000,
  users: 2000,
  seed: 42,
  days: 90,
  latentDims: 16,
  endTime: Date.UTC(2025, 0, 1),
  releaseYears: 30,
  sponsoredShare: 0.03,
  popularityExponent: 0.8,
  name: "demo",
} as const satisfies DemoGeneratorOptions;

/** Everything the generator produces, ready to be written as an event-log folder. */
export interface DemoData {
  descriptor: EventLogDescriptor;
  items: CatalogItemRecord[];
  users: UserProfileRecord[];
  /** Sorted by `ts`. */
  events: InteractionEvent[];
  /** The simulation's truth (only with `positionBias`): written beside the dataset, never trained on. */
  groundTruth?: DemoGroundTruth;
}

const DAY_MS = 86_400_000;
const YEAR_SECONDS = 365.25 * 86_400;
const TASTE_SHARPNESS = 6;
const NEW_RELEASE_DAYS = 120;
const SURFACE_MIX: readonly { name: Surface; weight: number }[] = [
  { name: "home", weight: 70 },
  { name: "more_like_this", weight: 20 },
  { name: "email", weight: 10 },
];

/** Generates a synthetic catalogue, users and interaction log. */
export function generateDemoData(options: Partial<DemoGeneratorOptions> = {}): DemoData {
  const opts = { ...DEMO_GENERATOR_DEFAULTS, ...options } satisfies DemoGeneratorOptions;
  validateOptions(opts);
  const rng = createRng(opts.seed);
  const genreCentroids = DEMO_GENRES.map(() => randomUnitVector(rng, opts.latentDims));
  const catalogue = generateCatalogue(rng, opts, genreCentroids);
  const population = generateUsers(rng, opts, genreCentroids);
  const events: InteractionEvent[] = [];
  for (let u = 0; u < population.profiles.length; u++) {
    simulateUser(rng, opts, catalogue, population.profiles[u]!, population.tastes[u]!, events);
  }
  const bias = opts.positionBias;
  events.sort((a, b) => a.ts! - b.ts! || (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
  return {
    descriptor: {
      format: EVENT_LOG_FORMAT,
      formatVersion: 1,
      name: opts.name,
      source: "demo-generator",
      generator: { ...opts },
      counts: { items: catalogue.records.length, users: population.profiles.length, events: events.length },
    },
    items: catalogue.records,
    users: population.profiles,
    events,
    ...(bias
      ? {
          groundTruth: {
            format: GROUND_TRUTH_FORMAT,
            model:
              "position-based: P(engage at position p) = examination[p] × relevance(user, item); " +
              "relevance = sigmoid(-0.9 + 1.1 z) × (0.55 if sponsored), z = the user's taste · item latent standardised over the catalogue",
            examination: { eta: bias.eta, curve: examinationCurve(bias.eta, bias.listLength) },
            exploreShare: bias.exploreShare,
            listLength: bias.listLength,
            users: population.profiles.map((p, u) => ({ user_id: p.user_id, taste: Array.from(population.tastes[u]!) })),
            items: catalogue.records.map((r, i) => ({
              item_id: r.item_id,
              latent: Array.from(catalogue.latents[i]!),
              sponsored: r.sponsored === true,
            })),
          },
        }
      : {}),
  };
}

/**
 * The probability that a user engages with an item they looked at (the demo's true relevance): a
 * logistic in the standardised affinity `z`, lower for sponsored titles.
 */
export function engagementProbability(z: number, sponsored: boolean): number {
  return sigmoid(-0.9 + 1.1 * z) * (sponsored ? 0.55 : 1);
}

interface Catalogue {
  records: CatalogItemRecord[];
  latents: Float64Array[];
  /** Prior attractiveness: Zipf popularity, slightly lower for old titles. */
  appeal: Float64Array;
  /** Release time in ms. */
  releasedAtMs: Float64Array;
  sponsoredIndices: number[];
  /** Item indices by release time, oldest first (for the new-releases shelf). */
  byRelease: Int32Array;
}

function generateCatalogue(rng: Rng, opts: DemoGeneratorOptions, centroids: Float64Array[]): Catalogue {
  const n = opts.items;
  const records: CatalogItemRecord[] = [];
  const latents: Float64Array[] = [];
  const appeal = new Float64Array(n);
  const releasedAtMs = new Float64Array(n);
  const sponsoredIndices: number[] = [];
  const popularityRank = rng.shuffle(Array.from({ length: n }, (_, i) => i + 1));
  const genreWeights = DEMO_GENRES.map((g) => g.weight);
  const usedTitles = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const genreCount = pickWeighted(rng, [45, 40, 15]) + 1;
    const genreIndices = sampleWithoutReplacement(rng, genreWeights, genreCount);
    const genres = genreIndices.map((g) => DEMO_GENRES[g]!.name);
    const latent = new Float64Array(opts.latentDims);
    genreIndices.forEach((g, rank) => {
      const weight = rank === 0 ? 1 : 0.6;
      for (let d = 0; d < latent.length; d++) latent[d]! += weight * centroids[g]![d]!;
    });
    for (let d = 0; d < latent.length; d++) latent[d]! += (0.9 * rng.normal()) / Math.sqrt(opts.latentDims);
    normalizeInPlace(latent);
    const ageYears = opts.releaseYears * rng.next() ** 1.8;
    const releasedAtSeconds = Math.floor((opts.endTime / 1000 - ageYears * YEAR_SECONDS) / 86_400) * 86_400;
    const ageFactor = ageYears > 15 ? 0.7 : 1;
    const sponsored = rng.next() < opts.sponsoredShare;
    if (sponsored) sponsoredIndices.push(i);
    records.push({
      item_id: formatId("i", i),
      title: uniqueTitle(rng, usedTitles),
      genres,
      category: genres[0]!,
      released_at: releasedAtSeconds,
      sponsored,
    });
    latents.push(latent);
    appeal[i] = popularityRank[i]! ** -opts.popularityExponent * ageFactor;
    releasedAtMs[i] = releasedAtSeconds * 1000;
  }
  const byRelease = Int32Array.from(Array.from({ length: n }, (_, i) => i).sort((a, b) => releasedAtMs[a]! - releasedAtMs[b]! || a - b));
  return { records, latents, appeal, releasedAtMs, sponsoredIndices, byRelease };
}

interface Population {
  profiles: UserProfileRecord[];
  tastes: Float64Array[];
}

function generateUsers(rng: Rng, opts: DemoGeneratorOptions, centroids: Float64Array[]): Population {
  const profiles: UserProfileRecord[] = [];
  const tastes: Float64Array[] = [];
  for (let u = 0; u < opts.users; u++) {
    const age =
      DEMO_AGE_BUCKETS[
        pickWeighted(
          rng,
          DEMO_AGE_BUCKETS.map((a) => a.weight),
        )
      ]!;
    const leans = new Set<string>(age.leans);
    const genreWeights = DEMO_GENRES.map((g) => g.weight * (leans.has(g.name) ? 2.5 : 1));
    const favourites = sampleWithoutReplacement(rng, genreWeights, 1 + pickWeighted(rng, [35, 45, 20]));
    const taste = new Float64Array(opts.latentDims);
    favourites.forEach((g, rank) => {
      const weight = 1 / (1 + rank * 0.5);
      for (let d = 0; d < taste.length; d++) taste[d]! += weight * centroids[g]![d]!;
    });
    for (let d = 0; d < taste.length; d++) taste[d]! += (0.7 * rng.normal()) / Math.sqrt(opts.latentDims);
    normalizeInPlace(taste);
    for (let d = 0; d < taste.length; d++) taste[d]! *= TASTE_SHARPNESS;
    profiles.push({
      user_id: formatId("u", u),
      age_bucket: age.name,
      gender:
        DEMO_GENDERS[
          pickWeighted(
            rng,
            DEMO_GENDERS.map((g) => g.weight),
          )
        ]!.name,
      country:
        DEMO_COUNTRIES[
          pickWeighted(
            rng,
            DEMO_COUNTRIES.map((c) => c.weight),
          )
        ]!.name,
      device:
        DEMO_DEVICES[
          pickWeighted(
            rng,
            DEMO_DEVICES.map((d) => d.weight),
          )
        ]!.name,
    });
    tastes.push(taste);
  }
  return { profiles, tastes };
}

/** Appends one user's sessions to `events`. */
function simulateUser(
  rng: Rng,
  opts: DemoGeneratorOptions,
  catalogue: Catalogue,
  profile: UserProfileRecord,
  taste: Float64Array,
  events: InteractionEvent[],
): void {
  const n = catalogue.latents.length;
  const affinity = new Float64Array(n);
  const cumulative = new Float64Array(n);
  let sum = 0;
  let mean = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const latent = catalogue.latents[i]!;
    let score = 0;
    for (let d = 0; d < latent.length; d++) score += taste[d]! * latent[d]!;
    affinity[i] = score;
    mean += score;
    squares += score * score;
    sum += Math.exp(score) * catalogue.appeal[i]!;
    cumulative[i] = sum;
  }
  mean /= n;
  const spread = Math.sqrt(Math.max(1e-9, squares / n - mean * mean));

  const windowStart = opts.endTime - opts.days * DAY_MS;
  const joinedAt = windowStart + opts.days * DAY_MS * (1 - Math.sqrt(rng.next())) * 0.8;
  const sessionCount = Math.min(150, Math.floor(3.2 * (1 - rng.next()) ** (-1 / 1.6)));
  const sessionStarts = Array.from({ length: sessionCount }, () => Math.floor(joinedAt + rng.next() * (opts.endTime - joinedAt))).sort(
    (a, b) => a - b,
  );
  const consumed = new Set<number>();
  let sequence = 0;
  const userId = profile.user_id;
  const bias = opts.positionBias;
  sessionStarts.forEach((start, session) => {
    const surface =
      SURFACE_MIX[
        pickWeighted(
          rng,
          SURFACE_MIX.map((s) => s.weight),
        )
      ]!.name;
    const device = rng.next() < 0.8 ? profile.device! : DEMO_DEVICES[rng.int(DEMO_DEVICES.length)]!.name;
    const baseRequestId = `r-${userId}-${String(session).padStart(4, "0")}`;
    const slate = bias
      ? biasedSlate(rng, bias, catalogue, cumulative, affinity, consumed, start, (i) => (affinity[i]! - mean) / spread)
      : null;
    const requestId = slate?.explore ? explorationRequestId(baseRequestId) : baseRequestId;
    const slots = slate ? slate.items.length : 1 + Math.min(30, Math.floor(Math.log(1 - rng.next()) / Math.log(0.75)));
    let t = start;
    for (let position = 0; position < slots; position++) {
      const item = slate ? slate.items[position]! : pickItem(rng, catalogue, cumulative, affinity, consumed, t);
      if (item < 0) continue;
      const z = (affinity[item]! - mean) / spread;
      const sponsored = catalogue.records[item]!.sponsored === true;
      const emit = (type: InteractionEvent["type"], value?: number) => {
        const event: InteractionEvent = {
          event_id: `e-${userId}-${String(sequence++).padStart(5, "0")}`,
          user_id: userId,
          item_id: catalogue.records[item]!.item_id,
          type,
          ts: Math.round(t),
          request_id: requestId,
          position,
          context: { surface, device },
        };
        if (value !== undefined) event.value = value;
        events.push(event);
      };
      t += 20_000 + rng.next() * 100_000;
      emit("impression");
      const engage = engagementProbability(z, sponsored);
      const examined = !bias || rng.next() < examinationProbability(position, bias.eta);
      if (examined && rng.next() < engage) {
        t += 1000 + rng.next() * 4000;
        if (surface !== "email" && rng.next() < 0.6) {
          emit("click");
          t += 1000 + rng.next() * 2000;
        }
        const watched = sigmoid(0.4 + 1.2 * z + 0.9 * rng.normal());
        const runtimeMs = (20 + rng.next() * 110) * 60_000;
        emit("view", Math.round(watched * runtimeMs));
        t += watched * runtimeMs;
        consumed.add(item);
        if (watched > 0.85) {
          emit("complete", 1);
          t += 5000 + rng.next() * 20_000;
          if (rng.next() < sigmoid(-1.6 + 1.2 * z)) emit("like");
          if (rng.next() < 0.08) emit("save");
          if (rng.next() < 0.12) {
            emit("rating", Math.min(5, Math.max(1, Math.round(3 + 1.1 * z + 0.7 * rng.normal()))));
          }
          if (rng.next() < 0.004) emit("purchase");
        } else if (watched < 0.3) {
          emit("skip", Math.round(watched * 100) / 100);
          if (rng.next() < 0.1) emit("not_interested");
        }
      } else if (examined) {
        if (rng.next() < 0.02) emit("save");
        if (z < 0 && rng.next() < 0.05) emit("not_interested");
        else if (z < -0.5 && rng.next() < 0.01) emit("hide");
      }
    }
  });
}

/**
 * Picks an item ∝ exp(taste · latent) × appeal among items released by `atMs`. 5% of slots show a
 * sponsored item instead and 20% come from the new-releases shelf (released in the last
 * {@link NEW_RELEASE_DAYS} days). Already consumed items are redrawn once (rewatches stay possible).
 */
function pickItem(
  rng: Rng,
  catalogue: Catalogue,
  cumulative: Float64Array,
  affinity: Float64Array,
  consumed: Set<number>,
  atMs: number,
): number {
  const shelf = rng.next();
  if (shelf < 0.05 && catalogue.sponsoredIndices.length > 0) {
    const item = catalogue.sponsoredIndices[rng.int(catalogue.sponsoredIndices.length)]!;
    return catalogue.releasedAtMs[item]! <= atMs ? item : -1;
  }
  if (shelf < 0.25) {
    const item = pickNewRelease(rng, catalogue, affinity, atMs);
    if (item >= 0 && !consumed.has(item)) return item;
  }
  let redraws = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const item = searchCumulative(cumulative, rng.next() * cumulative[cumulative.length - 1]!);
    if (catalogue.releasedAtMs[item]! > atMs) continue;
    if (consumed.has(item) && redraws++ === 0) continue;
    return item;
  }
  return -1;
}

/** Weights of the logging policy that orders a position-biased session's list (popularity first, some taste, noise). */
const LOGGING_POLICY = { popularity: 1, taste: 0.5, noise: 0.5 } as const;

/**
 * The list of a position-biased session: up to `listLength` distinct items drawn like ordinary
 * slots, then either shuffled uniformly at random (an exploration response, `exploreShare` of the
 * sessions) or sorted by the logging policy's score log(appeal) + 0.5·z + noise — the production
 * ranker of the simulation, which puts popular items on top.
 */
function biasedSlate(
  rng: Rng,
  bias: PositionBiasOptions,
  catalogue: Catalogue,
  cumulative: Float64Array,
  affinity: Float64Array,
  consumed: Set<number>,
  atMs: number,
  standardised: (item: number) => number,
): { items: number[]; explore: boolean } {
  const explore = rng.next() < bias.exploreShare;
  const items: number[] = [];
  for (let draw = 0; draw < bias.listLength; draw++) {
    const item = pickItem(rng, catalogue, cumulative, affinity, consumed, atMs);
    if (item >= 0 && !items.includes(item)) items.push(item);
  }
  if (explore) return { items: rng.shuffle(items), explore };
  const score = new Map(
    items.map((item) => [
      item,
      LOGGING_POLICY.popularity * Math.log(catalogue.appeal[item]!) +
        LOGGING_POLICY.taste * standardised(item) +
        LOGGING_POLICY.noise * rng.normal(),
    ]),
  );
  return { items: items.sort((a, b) => score.get(b)! - score.get(a)! || a - b), explore };
}

/** An item released in the {@link NEW_RELEASE_DAYS} days before `atMs`, ∝ exp(affinity) × appeal. */
function pickNewRelease(rng: Rng, catalogue: Catalogue, affinity: Float64Array, atMs: number): number {
  const order = catalogue.byRelease;
  const firstAfter = (ms: number) => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (catalogue.releasedAtMs[order[mid]!]! > ms) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const start = firstAfter(atMs - NEW_RELEASE_DAYS * DAY_MS);
  const end = firstAfter(atMs);
  if (end <= start) return -1;
  let total = 0;
  for (let j = start; j < end; j++) total += Math.exp(affinity[order[j]!]!) * catalogue.appeal[order[j]!]!;
  let target = rng.next() * total;
  for (let j = start; j < end; j++) {
    target -= Math.exp(affinity[order[j]!]!) * catalogue.appeal[order[j]!]!;
    if (target < 0) return order[j]!;
  }
  return order[end - 1]!;
}

function searchCumulative(cumulative: Float64Array, target: number): number {
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function uniqueTitle(rng: Rng, used: Map<string, number>): string {
  const pick = <T>(list: readonly T[]) => list[rng.int(list.length)]!;
  const patterns = [
    () => `The ${pick(TITLE_ADJECTIVES)} ${pick(TITLE_NOUNS)}`,
    () => `${pick(TITLE_NOUNS)} of ${pick(TITLE_PLACES)}`,
    () => `${pick(TITLE_ADJECTIVES)} ${plural(pick(TITLE_NOUNS))}`,
    () => `Return to ${pick(TITLE_PLACES)}`,
    () => `${pick(TITLE_NAMES)}'s ${pick(TITLE_NOUNS)}`,
    () => `The Last ${pick(TITLE_NOUNS)} of ${pick(TITLE_PLACES)}`,
    () => `${pick(TITLE_ADJECTIVES)} ${pick(TITLE_PLACES)}`,
  ];
  const base = patterns[pickWeighted(rng, [30, 15, 12, 4, 12, 8, 8])]!();
  const seen = used.get(base) ?? 0;
  used.set(base, seen + 1);
  return seen === 0 ? base : `${base} ${romanNumeral(seen + 1)}`;
}

function plural(noun: string): string {
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(noun)) return `${noun}es`;
  return `${noun}s`;
}

function romanNumeral(n: number): string {
  const numerals: [number, string][] = [
    [10, "X"],
    [9, "IX"],
    [5, "V"],
    [4, "IV"],
    [1, "I"],
  ];
  let rest = n;
  let out = "";
  for (const [value, symbol] of numerals) {
    while (rest >= value) {
      out += symbol;
      rest -= value;
    }
  }
  return out;
}

function randomUnitVector(rng: Rng, dims: number): Float64Array {
  const v = new Float64Array(dims);
  for (let d = 0; d < dims; d++) v[d] = rng.normal();
  return normalizeInPlace(v);
}

function pickWeighted(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let target = rng.next() * total;
  for (let i = 0; i < weights.length; i++) {
    target -= weights[i]!;
    if (target < 0) return i;
  }
  return weights.length - 1;
}

function sampleWithoutReplacement(rng: Rng, weights: readonly number[], count: number): number[] {
  const remaining = [...weights];
  const picked: number[] = [];
  for (let k = 0; k < Math.min(count, weights.length); k++) {
    const i = pickWeighted(rng, remaining);
    picked.push(i);
    remaining[i] = 0;
  }
  return picked;
}

function formatId(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(5, "0")}`;
}

function validateOptions(opts: DemoGeneratorOptions): void {
  const positiveInts: (keyof DemoGeneratorOptions)[] = ["items", "users", "days", "latentDims"];
  for (const key of positiveInts) {
    const value = opts[key];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
      throw new RangeError(`demo generator: ${key} must be a positive integer, got ${String(value)}`);
    }
  }
  if (!Number.isInteger(opts.seed)) throw new RangeError(`demo generator: seed must be an integer`);
  const bias = opts.positionBias;
  if (bias) {
    if (!(Number.isFinite(bias.eta) && bias.eta >= 0))
      throw new RangeError(`demo generator: position bias eta must be ≥ 0, got ${bias.eta}`);
    if (!(bias.exploreShare >= 0 && bias.exploreShare <= 1)) {
      throw new RangeError(`demo generator: explore share must be in [0, 1], got ${bias.exploreShare}`);
    }
    if (!(Number.isInteger(bias.listLength) && bias.listLength >= 1 && bias.listLength <= 1000)) {
      throw new RangeError(`demo generator: list length must be an integer in 1…1000, got ${bias.listLength}`);
    }
  }
}
