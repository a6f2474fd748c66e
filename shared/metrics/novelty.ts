/**
 * Novelty: how unexpected the recommended items are, as the mean self-information
 * −log₂ p(i) of every recommended slot, where p(i) is the share of users who interacted with item
 * i in training (the definition of the Microsoft Recommenders `novelty`). Recommending only
 * blockbusters scores low; long-tail items score high.
 */

/** Options of {@link novelty}. */
export interface NoveltyOptions {
  /**
   * Interaction count used for items with none (−log₂ 0 is infinite); 1 treats them as seen by
   * a single user, the most novel an observed item can be.
   */
  unseenCount: number;
}

/**
 * Mean −log₂(itemUsers[i] / userCount) over all items of all `lists`; 0 when the lists are empty.
 * `itemUsers[i]` is the number of training users of item i.
 */
export function novelty(
  lists: Iterable<ArrayLike<number>>,
  itemUsers: ArrayLike<number>,
  userCount: number,
  options: Partial<NoveltyOptions> = {},
): number {
  const opts = { unseenCount: 1, ...options } satisfies NoveltyOptions;
  if (userCount <= 0) return 0;
  let sum = 0;
  let slots = 0;
  for (const list of lists) {
    for (let i = 0; i < list.length; i++) {
      const count = Math.max(itemUsers[list[i]!] ?? 0, 0) || opts.unseenCount;
      sum -= Math.log2(Math.min(1, count / userCount));
      slots++;
    }
  }
  return slots > 0 ? sum / slots : 0;
}
