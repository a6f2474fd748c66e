/**
 * Spreads keys over a fixed number of shards by a stable hash, so that counters for a popular
 * catalogue never land on one hot object and the same key always lands on the same shard.
 */
import { fnv1a } from "../math/fnv1a";

/** The shard (0 ≤ shard < `shards`) that owns `key`. */
export function shardForKey(key: string, shards: number): number {
  if (!Number.isInteger(shards) || shards < 1) throw new RangeError(`shards must be a positive integer, got ${shards}`);
  return fnv1a(key) % shards;
}
