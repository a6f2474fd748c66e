/** Number, time and rate formatting for the console's tables and charts. */

/** `1234.5` → `1,234.5`; null → `–`. */
export function formatNumber(value: number | null | undefined, digits = 0): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** `0.0312` → `3.1 %`; null → `–`. */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return `${(value * 100).toFixed(digits)} %`;
}

/** Milliseconds with a unit: `12 ms`, `1.2 s`. */
export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${formatNumber(value, value < 10 ? 1 : 0)} ms`;
}

/** A timestamp (ms since epoch or ISO string) as local `YYYY-MM-DD HH:MM:SS`. */
export function formatTime(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return "–";
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A score with 3 significant decimals. */
export function formatScore(value: number): string {
  return Number.isFinite(value) ? value.toFixed(3) : "–";
}
