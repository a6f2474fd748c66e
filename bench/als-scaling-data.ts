/**
 * Synthetic implicit-feedback matrices for the ALS scaling benchmark, built straight into CSR
 * (no per-event objects, so 10⁷ interactions take seconds and ~300 MB): users with a log-normal
 * number of items around `itemsPerUser`, items drawn from a Zipf popularity curve, seeded.
 */
import type { InteractionMatrix } from "../pipeline/data/interaction-matrix";
import { createRng } from "../shared/math/random";

/** Options of {@link syntheticInteractions}. */
export interface SyntheticInteractionsOptions {
  /** Target number of distinct user–item pairs. */
  interactions: number;
  /** Mean items per user (users = interactions / itemsPerUser). */
  itemsPerUser: number;
  items: number;
  /** Zipf exponent of item popularity. */
  zipf: number;
  seed: number;
}

/** Defaults: 50 items per user over a 20 000-item catalogue, Zipf 0.8. */
export const SYNTHETIC_INTERACTIONS_DEFAULTS = {
  interactions: 100_000,
  itemsPerUser: 50,
  items: 20_000,
  zipf: 0.8,
  seed: 7,
} as const satisfies SyntheticInteractionsOptions;

/** A users × items CSR matrix with about `interactions` entries (confidence 1, one event each). */
export function syntheticInteractions(options: Partial<SyntheticInteractionsOptions> = {}): InteractionMatrix {
  const opts = { ...SYNTHETIC_INTERACTIONS_DEFAULTS, ...options } satisfies SyntheticInteractionsOptions;
  const rng = createRng(opts.seed);
  const users = Math.max(1, Math.round(opts.interactions / opts.itemsPerUser));
  const cumulative = new Float64Array(opts.items);
  let total = 0;
  for (let i = 0; i < opts.items; i++) cumulative[i] = total += 1 / (i + 1) ** opts.zipf;
  const sizes = new Int32Array(users);
  let planned = 0;
  for (let u = 0; u < users; u++) {
    const size = Math.round(opts.itemsPerUser * Math.exp(0.6 * rng.normal() - 0.18));
    sizes[u] = Math.max(1, Math.min(opts.items, size));
    planned += sizes[u]!;
  }
  const scale = opts.interactions / planned;
  const indptr = new Int32Array(users + 1);
  for (let u = 0; u < users; u++) {
    sizes[u] = Math.max(1, Math.min(opts.items, Math.round(sizes[u]! * scale)));
    indptr[u + 1] = indptr[u]! + sizes[u]!;
  }
  const indices = new Int32Array(indptr[users]!);
  const row = new Set<number>();
  let length = 0;
  for (let u = 0; u < users; u++) {
    row.clear();
    let attempts = 0;
    while (row.size < sizes[u]! && attempts++ < sizes[u]! * 20) row.add(sampleItem(cumulative, total, rng.next()));
    const sorted = Int32Array.from(row).sort();
    indices.set(sorted, length);
    length += sorted.length;
    indptr[u + 1] = length;
  }
  const nnz = length;
  return {
    rows: users,
    cols: opts.items,
    indptr,
    indices: indices.slice(0, nnz),
    confidence: new Float32Array(nnz).fill(1),
    counts: new Int32Array(nnz).fill(1),
    firstTs: new Float64Array(nnz),
    lastTs: new Float64Array(nnz),
  };
}

function sampleItem(cumulative: Float64Array, total: number, u: number): number {
  const target = u * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
