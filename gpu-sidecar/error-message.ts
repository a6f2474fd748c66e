/** Renders an unknown thrown value as a one-line message for logs and error bodies. */

/** The message of `error` (an Error's message, or its string form) with whitespace collapsed to one line. */
export function errorMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
}
