/**
 * Keeps the k best of a stream of scored items in a bounded min-heap (the worst kept item at the
 * root), so selecting the top k of n candidates costs O(n log k) instead of sorting all n.
 */

/** Orders two items with equal keys: negative when `a` ranks before `b`. */
export type TieBreak = (a: number, b: number) => number;

/** One selected item and its key. */
export interface SelectedItem {
  item: number;
  key: number;
}

/**
 * Bounded top-k by key, higher keys first; equal keys are ordered by `tieBreak` (default: lower
 * item first) so results are deterministic.
 * @example
 * const top = new TopKSelector(2);
 * top.push(7, 0.1); top.push(8, 0.9); top.push(9, 0.5);
 * top.sorted(); // [{ item: 8, key: 0.9 }, { item: 9, key: 0.5 }]
 */
export class TopKSelector {
  readonly #keys: Float64Array;
  readonly #items: Int32Array;
  readonly #tieBreak: TieBreak;
  #size = 0;

  constructor(
    readonly k: number,
    tieBreak: TieBreak = (a, b) => a - b,
  ) {
    if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
    this.#keys = new Float64Array(k);
    this.#items = new Int32Array(k);
    this.#tieBreak = tieBreak;
  }

  /** Number of items kept so far (≤ k). */
  get size(): number {
    return this.#size;
  }

  /** Offers an item (a non-negative 32-bit integer, e.g. a slot) with its key. */
  push(item: number, key: number): void {
    if (this.#size < this.k) {
      this.#keys[this.#size] = key;
      this.#items[this.#size] = item;
      this.#siftUp(this.#size++);
      return;
    }
    if (!this.#worse(this.#keys[0]!, this.#items[0]!, key, item)) return;
    this.#keys[0] = key;
    this.#items[0] = item;
    this.#siftDown(0);
  }

  /** The kept items, best first. */
  sorted(): SelectedItem[] {
    const selected: SelectedItem[] = [];
    for (let i = 0; i < this.#size; i++) selected.push({ item: this.#items[i]!, key: this.#keys[i]! });
    return selected.sort((a, b) => (a.key !== b.key ? b.key - a.key : this.#tieBreak(a.item, b.item)));
  }

  /** True when (keyA, itemA) ranks after (keyB, itemB). */
  #worse(keyA: number, itemA: number, keyB: number, itemB: number): boolean {
    return keyA < keyB || (keyA === keyB && this.#tieBreak(itemA, itemB) > 0);
  }

  #worseAt(i: number, j: number): boolean {
    return this.#worse(this.#keys[i]!, this.#items[i]!, this.#keys[j]!, this.#items[j]!);
  }

  #swap(i: number, j: number): void {
    const key = this.#keys[i]!;
    const item = this.#items[i]!;
    this.#keys[i] = this.#keys[j]!;
    this.#items[i] = this.#items[j]!;
    this.#keys[j] = key;
    this.#items[j] = item;
  }

  #siftUp(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#worseAt(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #siftDown(i: number): void {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < this.#size && this.#worseAt(left, worst)) worst = left;
      if (right < this.#size && this.#worseAt(right, worst)) worst = right;
      if (worst === i) return;
      this.#swap(i, worst);
      i = worst;
    }
  }
}
