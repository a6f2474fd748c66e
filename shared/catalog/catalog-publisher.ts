/**
 * Publishes the catalogue's records to KV in the order their versions were made. Every publish
 * runs after the one before it has finished (KV is last-write-wins, so two puts in flight could
 * land in either order), and writes the newest version of each record that is behind: a burst of
 * changes coalesces into a few puts, and a slower, older put never lands after a newer one.
 * Pure: the object supplies the records, the KV write and where published versions are kept.
 */
import type { CatalogRecord } from "./apply-catalog-change";

/** A record as it stands now: its version and its KV value, rendered when it is written. */
export interface VersionedRecord {
  version: number;
  render(): string;
}

/** What the publisher needs from its owner. */
export interface CatalogPublisherOptions {
  /** Each record's newest version. */
  current(): Record<CatalogRecord, VersionedRecord>;
  /** Each record's version known to be in KV. */
  published(): Record<CatalogRecord, number>;
  /** Writes a record's value to KV. */
  write(record: CatalogRecord, value: string): Promise<void>;
  /** Notes that `version` of `record` is in KV (called only with versions newer than published). */
  markPublished(record: CatalogRecord, version: number): void;
}

/** Serialised, coalescing publishes of the catalogue's KV records. */
export class CatalogPublisher {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: CatalogPublisherOptions) {}

  /** Runs `task` once every task queued before it (publishes included) has settled; later tasks wait for it. */
  serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /**
   * Resolves once every record is in KV at its `target` version or newer; rejects with the KV
   * write's error otherwise (the versions that did land stay marked published).
   */
  publish(target: Record<CatalogRecord, number>): Promise<void> {
    return this.serially(async () => {
      const published = this.options.published();
      const behind = (Object.keys(target) as CatalogRecord[]).filter((record) => published[record] < target[record]);
      if (behind.length === 0) return;
      const current = this.options.current();
      const writes = behind.map((record) => {
        const { version, render } = current[record];
        return this.options.write(record, render()).then(() => this.options.markPublished(record, version));
      });
      const failure = (await Promise.allSettled(writes)).find((result) => result.status === "rejected");
      if (failure) throw failure.reason;
    });
  }
}
