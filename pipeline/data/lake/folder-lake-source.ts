/** The event lake in a local folder with the bucket's layout (`events/dt=…/hour=…/…`, `tombstones/…`). */
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { LakeSource } from "./lake-source";

/** A {@link LakeSource} over `folder`. */
export function folderLakeSource(folder: string): LakeSource {
  return {
    description: `folder ${folder}`,
    async *list(prefix: string) {
      // The prefix's folder part is walked; the rest filters names.
      const base = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      for await (const path of walk(join(folder, base))) {
        const key = relative(folder, path).split(sep).join("/");
        if (key.startsWith(prefix)) yield key;
      }
    },
    read: async (key: string) => new Uint8Array(await readFile(join(folder, ...key.split("/")))),
  };
}

async function* walk(directory: string): AsyncGenerator<string> {
  const entries = await readdir(directory, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT" || error.code === "ENOTDIR") return [];
    throw error;
  });
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile()) yield path;
  }
}
