/**
 * Structured logging for the sidecar: one JSON object per line, `{time, level, event, ...fields}`.
 * Info lines go to stdout, warnings and errors to stderr, so a process supervisor can collect both.
 */

/** Severity of a log line. */
export type LogLevel = "info" | "warn" | "error";

/** Extra fields of a log line; values must be JSON-serialisable. */
export type LogFields = Record<string, unknown>;

/** Writes one structured line per call. */
export interface JsonLogger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Receives each finished line (without the newline). Defaults to stdout for info, stderr otherwise. */
  write?: (line: string, level: LogLevel) => void;
  /** Clock for the `time` field. */
  now?: () => Date;
}

const writeToStdio = (line: string, level: LogLevel) => (level === "info" ? process.stdout : process.stderr).write(`${line}\n`);

/**
 * Creates a logger.
 *
 * @example
 * createJsonLogger().info("sidecar_started", { port: 8788 });
 * // {"time":"2026-11-22T00:00:00.000Z","level":"info","event":"sidecar_started","port":8788}
 */
export function createJsonLogger(options: JsonLoggerOptions = {}): JsonLogger {
  const { write, now } = { write: writeToStdio, now: () => new Date(), ...options };
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) =>
      write(JSON.stringify({ time: now().toISOString(), level, event, ...fields }), level);
  return { info: log("info"), warn: log("warn"), error: log("error") };
}

/** A logger that drops everything (tests, embedding). */
export const silentLogger: JsonLogger = { info: () => {}, warn: () => {}, error: () => {} };
