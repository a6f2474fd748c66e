/**
 * Reads numeric `[vars]` from wrangler.toml (they arrive as strings), falling back to a default
 * when a var is unset or malformed, so a typo degrades to the documented default instead of NaN.
 */

/** A positive number from a var, or `fallback`. */
export function positiveNumberVar(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

/** A positive integer from a var, or `fallback`. */
export function positiveIntegerVar(value: string | undefined, fallback: number): number {
  const parsed = positiveNumberVar(value, fallback);
  return Number.isInteger(parsed) ? parsed : fallback;
}

/** A share in [0, 1] from a var, or `fallback`. */
export function fractionVar(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value.trim() !== "" && Number.isFinite(parsed) && parsed >= 0 && parsed <= 1 ? parsed : fallback;
}
