/**
 * Replaces a file atomically: the new content is written beside it under a temporary name
 * (`.<name>.<uuid>.tmp`: hidden and with another ending, so Spark and `*.parquet` globs skip it) and
 * renamed over it, so a reader or a crash sees the old file or the new one, never half of one.
 */
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Calls `write(temporaryPath)`, then renames the temporary file to `path`; removes it on failure. */
export async function replaceFile(path: string, write: (temporaryPath: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  try {
    await write(temporary);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
