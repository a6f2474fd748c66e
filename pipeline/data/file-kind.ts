/** Whether a path is a file or a folder (false when it does not exist or cannot be read). */
import { stat } from "node:fs/promises";

/** True when `path` is a regular file. */
export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** True when `path` is a folder. */
export async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
