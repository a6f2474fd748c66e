/** Streams records to an NDJSON file (one `JSON.stringify` per line) with back-pressure. */
import { createWriteStream } from "node:fs";
import { once } from "node:events";

/** Writes `records` to `path`, one JSON object per line; returns the number of lines written. */
export async function writeNdjson(path: string, records: Iterable<unknown>): Promise<number> {
  const stream = createWriteStream(path, { encoding: "utf8" });
  const failed = once(stream, "error").then(([error]) => {
    throw error;
  });
  let lines = 0;
  let chunk = "";
  const flush = async () => {
    if (chunk.length === 0) return;
    const text = chunk;
    chunk = "";
    if (!stream.write(text)) await Promise.race([once(stream, "drain"), failed]);
  };
  for (const record of records) {
    chunk += `${JSON.stringify(record)}\n`;
    lines++;
    if (chunk.length >= 1 << 16) await flush();
  }
  await flush();
  stream.end();
  await Promise.race([once(stream, "finish"), failed]);
  return lines;
}
