/**
 * Deterministic hashing of strings to [0, 1): FNV-1a followed by MurmurHash3's 32-bit finaliser,
 * so ids that differ in one character land far apart (FNV-1a alone mixes its high bits poorly).
 * Used for A/B assignment and sharding, identically at the edge and offline.
 */
import { fnv1a } from "./fnv1a";

/** MurmurHash3 fmix32: a bijective 32-bit mixer with full avalanche. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A well-mixed unsigned 32-bit hash of `text`. */
export function hash32(text: string): number {
  return fmix32(fnv1a(text));
}

/** `text` hashed to a number in [0, 1). @example hashToUnit("exp-1:u42") // 0.7312… */
export function hashToUnit(text: string): number {
  return hash32(text) / 4294967296;
}
