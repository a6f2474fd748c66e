/**
 * One-line descriptions of thrown values, for logs, error bodies and the `detail` of a fallback.
 * Used by the Worker and the sidecar alike, so an error reads the same wherever it is reported.
 */

/**
 * The message of `error` (an Error's message, or its string form) on one line, cut to
 * `maxLength` characters (with "...") when given.
 *
 * @example
 * errorMessage(new Error("KV unavailable\n  at get")) // "KV unavailable at get"
 */
export function errorMessage(error: unknown, maxLength = Infinity): string {
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
  return message.length > maxLength ? `${message.slice(0, maxLength - 3)}...` : message;
}
