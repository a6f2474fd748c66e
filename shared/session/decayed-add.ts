/**
 * Time-decayed counters: a stored value together with the time it was last decayed to. Category
 * affinity and bandit arms are stored this way, so adding an observation (even one stamped before
 * the last update) never rewrites the other rows.
 */
import { decayFactor } from "../realtime/decay-factor";

/**
 * Adds `amount` observed at `ts` to `value` last decayed to `updated`; returns `[value, updated]`
 * after the addition. A newer observation decays the stored value forward to `ts`; an older one is
 * decayed itself before it is added, and `updated` stays.
 * @example decayedAdd(4, 0, 1, DAY_MS, DAY_MS) // → [3, DAY_MS]
 */
export function decayedAdd(value: number, updated: number, amount: number, ts: number, halfLifeMs: number): [number, number] {
  if (ts >= updated) return [value * decayFactor(ts - updated, halfLifeMs) + amount, ts];
  return [value + amount * decayFactor(updated - ts, halfLifeMs), updated];
}
