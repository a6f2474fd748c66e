/**
 * Model version names: `<prefix>-<UTC compact timestamp>-<8 hex content hash>`, e.g.
 * `als-20261122T001500Z-3f2a9c1b`. Sortable by time; the hash tells two runs' outputs apart.
 */
import { fnv1aHex } from "../../shared/math/fnv1a";

/** `2026-11-22T00:15:00.123Z` → `20261122T001500Z`. */
export function compactUtcTimestamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, "Z")
    .replace(/[-:]/g, "");
}

/** The version name for artifacts created at `createdAt` whose content hashes from `contentParts`. */
export function createModelVersion(prefix: string, createdAt: Date, contentParts: readonly string[]): string {
  const hash = fnv1aHex(contentParts.map((part) => `${part.length}:${part}`).join("|"));
  return `${prefix}-${compactUtcTimestamp(createdAt)}-${hash}`;
}
