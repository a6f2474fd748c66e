/**
 * `pipeline default-list`: writes the Worker's built-in popular list (the last rung of the
 * fallback ladder, served when KV has no list) from a published artifacts folder.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { kvKeys, type PopularList } from "../../shared/artifacts/kv-keys";
import type { ModelManifest } from "../../shared/artifacts/model-manifest";

/** Options of {@link runDefaultList}. */
export interface DefaultListOptions {
  /** Artifacts folder holding manifest.json and the KV bulk file. */
  artifacts: string;
  /** Where to write the list (the Worker imports workers/fallbacks/default-popular.json). */
  out: string;
  /** How many items to keep. */
  size: number;
}

/** Extracts the top `size` items of the overall popular list into `out`. */
export async function runDefaultList(options: DefaultListOptions): Promise<PopularList> {
  const manifest = JSON.parse(await readFile(join(options.artifacts, "manifest.json"), "utf8")) as ModelManifest;
  const bulk = JSON.parse(await readFile(join(options.artifacts, manifest.files.kvBulk), "utf8")) as { key: string; value: string }[];
  const entry = bulk.find((candidate) => candidate.key === kvKeys.popularAll);
  if (!entry) throw new Error(`${manifest.files.kvBulk} has no '${kvKeys.popularAll}' entry`);
  const popular = JSON.parse(entry.value) as PopularList;
  const list: PopularList = { generatedAt: popular.generatedAt, items: popular.items.slice(0, options.size) };
  await writeFile(options.out, `${JSON.stringify(list, null, 1)}\n`);
  console.log(`wrote ${list.items.length} items to ${options.out} (model ${manifest.modelVersion})`);
  return list;
}
