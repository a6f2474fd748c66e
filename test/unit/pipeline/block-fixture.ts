/**
 * Test fixture with known structure: two disjoint communities. Users 0..9 only interact with items
 * 0..9, users 10..19 only with items 10..19; each user has 6 of their block's 10 items.
 */
import { buildInteractionMatrix, type InteractionMatrix } from "../../../pipeline/data/interaction-matrix";

/** Users (and items) per block. */
export const BLOCK_SIZE = 10;

/** The block (0 or 1) an index belongs to. */
export const blockOf = (index: number): number => Math.floor(index / BLOCK_SIZE);

/** A 20 × 20 two-block interaction matrix; confidence and times vary deterministically. */
export function twoBlockMatrix(): InteractionMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  const confidence: number[] = [];
  const timestamps: number[] = [];
  for (let u = 0; u < 2 * BLOCK_SIZE; u++) {
    const base = blockOf(u) * BLOCK_SIZE;
    for (let j = 0; j < 6; j++) {
      rows.push(u);
      cols.push(base + ((u * 3 + j) % BLOCK_SIZE));
      confidence.push(1 + ((u + j) % 4));
      timestamps.push(1_700_000_000_000 + (u * 10 + j) * 60_000);
    }
  }
  return buildInteractionMatrix({ rows: 2 * BLOCK_SIZE, cols: 2 * BLOCK_SIZE }, { rows, cols, confidence, timestamps });
}
