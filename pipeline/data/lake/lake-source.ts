/**
 * Where the pipeline reads the event lake from (layout: shared/events/event-lake-layout.ts). One
 * interface, one file per kind of place:
 *
 * - a folder holding the layout (folder-lake-source.ts): an exported or synced copy, and tests;
 * - a folder `pipeline compact` wrote, its hours as Parquet (parquet-lake-source.ts);
 * - the Worker's admin API (worker-lake-source.ts): `npm start`'s local R2 (`--lake local`) or the
 *   deployed Worker's bucket (`--lake https://…`), with nothing but the admin key.
 */

/** A place the event lake can be read from. */
export interface LakeSource {
  /** What and where it is, for logs and reports (never a credential). */
  readonly description: string;
  /** Every object key under `prefix`, in any order. */
  list(prefix: string): AsyncIterable<string>;
  /** The bytes of one object as stored (gzip objects stay compressed); a compacted Parquet hour as NDJSON. */
  read(key: string): Promise<Uint8Array>;
}
