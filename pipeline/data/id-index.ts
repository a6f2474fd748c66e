/**
 * Maps external string ids (`u00042`, `i00017`) to dense integer indices and back. Everything
 * inside the pipeline works on indices; ids appear only at the boundaries (loading, export).
 */

/** A bidirectional string id ↔ dense index map; indices are assigned in first-seen order. */
export class IdIndex {
  private readonly byId = new Map<string, number>();
  private readonly list: string[] = [];

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.add(id);
  }

  /** Number of ids. */
  get size(): number {
    return this.list.length;
  }

  /** All ids, in index order. */
  get ids(): readonly string[] {
    return this.list;
  }

  /** The index of `id`, adding it when new. */
  add(id: string): number {
    let index = this.byId.get(id);
    if (index === undefined) {
      index = this.list.length;
      this.byId.set(id, index);
      this.list.push(id);
    }
    return index;
  }

  /** The index of `id`, or -1 when unknown. */
  indexOf(id: string): number {
    return this.byId.get(id) ?? -1;
  }

  /** True when `id` is known. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The id at `index`; throws on an out-of-range index. */
  idAt(index: number): string {
    const id = this.list[index];
    if (id === undefined) throw new RangeError(`no id at index ${index} (size ${this.list.length})`);
    return id;
  }
}
