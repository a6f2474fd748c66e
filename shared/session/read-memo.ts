/**
 * A memo of values read from storage, valid until the next write. The reader and every writer
 * share one object (a Durable Object is single-threaded and its memory is consistent with its own
 * storage), so dropping everything on each write is all the invalidation needed: a value loaded
 * before a write is never served after it. Loads are synchronous (SQLite in a Durable Object is),
 * so no write can happen while one runs.
 */

/** Values loaded by key, dropped by {@link ReadMemo.invalidate}. */
export class ReadMemo<V> {
  private readonly entries = new Map<string, V>();

  /** @param maxEntries distinct keys kept at once (the oldest is dropped first). */
  constructor(private readonly maxEntries = 4) {}

  /** The value for `key`, loading it (synchronously) when none was loaded since the last write. */
  get(key: string, load: () => V): V {
    if (this.entries.has(key)) return this.entries.get(key)!;
    const value = load();
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
    return value;
  }

  /** Call on every write that may change what `load` reads. */
  invalidate(): void {
    this.entries.clear();
  }
}
