/**
 * The event lake in a local folder that `pipeline compact` wrote (compacted-lake-layout.ts), or
 * that holds both layouts: every key of the folder as {@link folderLakeSource} lists it, and each
 * compacted hour's `events.parquet` read with DuckDB and served as NDJSON, so the lake reader
 * (read-lake.ts) validates, dedupes and honours tombstones for Parquet hours as for NDJSON ones.
 */
import { join } from "node:path";
import { EventParquet } from "./event-parquet";
import { parseCompactedEventKey } from "./compacted-lake-layout";
import { folderLakeSource } from "./folder-lake-source";
import type { LakeSource } from "./lake-source";

/**
 * A {@link LakeSource} over `folder` that also reads compacted Parquet hours. DuckDB is opened on
 * the first Parquet file and kept for the source's life.
 */
export function parquetLakeSource(folder: string): LakeSource {
  const files = folderLakeSource(folder);
  let parquet: Promise<EventParquet> | undefined;
  return {
    description: files.description,
    list: (prefix: string) => files.list(prefix),
    async read(key: string) {
      if (!parseCompactedEventKey(key)) return files.read(key);
      parquet ??= EventParquet.open();
      const events = await (await parquet).read(join(folder, ...key.split("/")));
      return new TextEncoder().encode(events.map((event) => `${JSON.stringify(event)}\n`).join(""));
    },
  };
}
