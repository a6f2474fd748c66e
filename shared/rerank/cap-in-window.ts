/**
 * Caps how many items of one group appear in the top of a list: at most `max` items per group key
 * among the first `window` positions. Items over the cap move just past the window, keeping their
 * relative order, so nothing is lost and the rest of the list is untouched. Per-category caps
 * ("at most 3 of one category in the top 10") and the sponsored rule ("at most 2 sponsored in the
 * top 20") are both this rule with a different key.
 */

/** Options of {@link capInWindow}. */
export interface CapInWindowOptions<T> {
  /** The group of an item; `undefined` = not capped. */
  key: (item: T) => string | undefined;
  /** Most items per group within the window. */
  max: number;
  /** How many top positions the cap applies to. */
  window: number;
}

/** Re-orders `items` so no group exceeds `max` within the first `window` positions. */
export function capInWindow<T>(items: readonly T[], options: CapInWindowOptions<T>): T[] {
  const { key, max, window } = options;
  const counts = new Map<string, number>();
  const top: T[] = [];
  const deferred: T[] = [];
  let i = 0;
  for (; i < items.length && top.length < window; i++) {
    const item = items[i]!;
    const group = key(item);
    if (group === undefined) {
      top.push(item);
      continue;
    }
    const seen = counts.get(group) ?? 0;
    if (seen < max) {
      counts.set(group, seen + 1);
      top.push(item);
    } else {
      deferred.push(item);
    }
  }
  return [...top, ...deferred, ...items.slice(i)];
}
