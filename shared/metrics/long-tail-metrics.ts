/**
 * Long-tail metrics: how much of the recommendations comes from outside the catalogue's head. The
 * head is the most popular `headShare` (20 %) of the items with training interactions, by training
 * users (ties: lower index first); every other item — the rest of them, and items without training
 * interactions — is the long tail. A model that only recommends blockbusters scores 0 on both.
 */

/** Options of {@link longTailMetrics}. */
export interface LongTailOptions {
  /** Share of the items with training interactions that forms the head. */
  headShare: number;
}

/** Defaults: the head is the top 20 % (the Pareto cut). */
export const LONG_TAIL_DEFAULTS = { headShare: 0.2 } as const satisfies LongTailOptions;

/** The long-tail view of a set of lists. */
export interface LongTailMetrics {
  /** Recommended slots whose item is in the long tail / all recommended slots (0 without slots). */
  share: number;
  /** Distinct recommended long-tail items with training interactions / long-tail items with training interactions. */
  coverage: number;
  /** Items in the head: ceil(headShare × items with training interactions). */
  headSize: number;
}

/**
 * Long-tail share and coverage of `lists`; `itemUsers[i]` is the number of training users of item i.
 * @example longTailMetrics([[0, 1], [0, 4]], [9, 5, 3, 2, 1]) // head = {0}: share 0.5, coverage 2/4
 */
export function longTailMetrics(
  lists: Iterable<ArrayLike<number>>,
  itemUsers: ArrayLike<number>,
  options: Partial<LongTailOptions> = {},
): LongTailMetrics {
  const opts = { ...LONG_TAIL_DEFAULTS, ...options } satisfies LongTailOptions;
  const observed: number[] = [];
  for (let i = 0; i < itemUsers.length; i++) if (itemUsers[i]! > 0) observed.push(i);
  observed.sort((a, b) => itemUsers[b]! - itemUsers[a]! || a - b);
  const headSize = Math.ceil(opts.headShare * observed.length);
  const head = new Set(observed.slice(0, headSize));
  const tailSize = observed.length - headSize;
  let slots = 0;
  let tailSlots = 0;
  const tailSeen = new Set<number>();
  for (const list of lists) {
    for (let r = 0; r < list.length; r++) {
      const item = list[r]!;
      slots++;
      if (head.has(item)) continue;
      tailSlots++;
      if ((itemUsers[item] ?? 0) > 0) tailSeen.add(item);
    }
  }
  return { share: slots > 0 ? tailSlots / slots : 0, coverage: tailSize > 0 ? tailSeen.size / tailSize : 0, headSize };
}
