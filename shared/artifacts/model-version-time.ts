/**
 * When a model version was trained, read from its name: versions are `<prefix>-<UTC compact
 * timestamp>-<hash>` (pipeline/export/model-version.ts, e.g. `als-20261122T001500Z-3f2a9c1b`). The
 * Worker uses it for feature freshness (age of a user record or a release) without reading anything.
 */

const COMPACT_UTC = /(?:^|-)(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:-|$)/;

/**
 * The training time (ms since epoch) in `version`, or null when it carries none.
 *
 * @example
 * modelVersionTime("als-20261122T001500Z-3f2a9c1b") // Date.UTC(2026, 10, 22, 0, 15, 0)
 */
export function modelVersionTime(version: string | null | undefined): number | null {
  const match = version ? COMPACT_UTC.exec(version) : null;
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const ms = Date.UTC(year!, month! - 1, day!, hour!, minute!, second!);
  return Number.isFinite(ms) ? ms : null;
}
