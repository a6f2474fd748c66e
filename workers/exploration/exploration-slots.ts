/**
 * Exploration slots in the final list: a configured share of the n positions (rounded down, so
 * short lists have none) is given to exploration picks, spread evenly and never the first
 * position — the top of the list is always the best exploit item.
 */

/** How many of `n` slots go to exploration at `share` (at most n − 1). */
export function explorationSlotCount(n: number, share: number): number {
  if (n < 2 || !(share > 0)) return 0;
  return Math.min(n - 1, Math.floor(n * share));
}

/** The 0-based positions of `count` exploration slots in a list of `n`: evenly spread, never 0. */
export function explorationPositions(n: number, count: number): number[] {
  const positions = new Set<number>();
  for (let j = 1; j <= count; j++) {
    let position = Math.max(1, Math.round((j * n) / (count + 1)));
    while (positions.has(position) && position < n - 1) position++;
    positions.add(position);
  }
  return [...positions].sort((a, b) => a - b);
}

/**
 * The first `n` items of `ranked` with `picks` placed at the exploration positions; when there
 * are fewer picks than slots, ranked items fill the rest.
 */
export function placeExplorationSlots<T>(ranked: readonly T[], picks: readonly T[], n: number): T[] {
  const positions = explorationPositions(n, picks.length);
  const list: T[] = [];
  let r = 0;
  let p = 0;
  while (list.length < n && (r < ranked.length || p < picks.length)) {
    if (p < picks.length && (positions[p] === list.length || r >= ranked.length)) list.push(picks[p++]!);
    else list.push(ranked[r++]!);
  }
  return list;
}
