/**
 * The one structured logger of the Worker and its Durable Objects: one JSON object per line,
 * `{time, level, event, ...base fields, ...call fields}`. The Worker's request logger carries the
 * request id (`request_id`, set by middleware/request-id.ts); each Durable Object's carries its
 * class (`object`). Errors passed as a field are rendered as `{name, message}` — never a stack.
 * Never pass credentials or request headers as fields.
 */

/** Severity of a log line, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** Fields of a log line; values should be JSON-serialisable (Errors are rendered as `{name, message}`). */
export type LogFields = Record<string, unknown>;

/** Receives each finished line (one JSON object, no newline) and its level. */
export type LogSink = (line: string, level: LogLevel) => void;

/** Writes one structured line per call. */
export interface Logger {
  debug(event: string, fields?: LogFields): void;
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
  error(event: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (after this logger's own; a call's fields win). */
  child(fields: LogFields): Logger;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped. Default: "info". */
  level?: LogLevel;
  /** Where lines go. Default: {@link consoleSink}. */
  sink?: LogSink;
  /** Clock for the `time` field. */
  now?: () => Date;
}

const LEVEL_RANK = { debug: 10, info: 20, warn: 30, error: 40 } as const satisfies Record<LogLevel, number>;

/** The level a `LOG_LEVEL` var names (case-insensitive); "info" when unset or unknown. */
export function logLevelFrom(value: string | undefined): LogLevel {
  const name = value?.trim().toLowerCase() ?? "";
  return Object.hasOwn(LEVEL_RANK, name) ? (name as LogLevel) : "info";
}

/**
 * Writes each line to the console method of its level (`console.log` for info), looked up at call
 * time so a test's spy sees it. Workers Logs and `wrangler tail` parse the JSON line.
 */
export const consoleSink: LogSink = (line, level) => {
  switch (level) {
    case "debug":
      return console.debug(line);
    case "info":
      return console.log(line);
    case "warn":
      return console.warn(line);
    case "error":
      return console.error(line);
  }
};

const loggerDefaults = { level: "info", sink: consoleSink, now: () => new Date() } satisfies Required<LoggerOptions>;

/**
 * Creates a logger whose every line carries `base`.
 *
 * @example
 * createLogger({ request_id: "req-1" }).warn("exposures_failed", { stage: "exposures", error: new TypeError("boom") });
 * // {"time":"2026-11-22T00:00:00.000Z","level":"warn","event":"exposures_failed","request_id":"req-1","stage":"exposures","error":{"name":"TypeError","message":"boom"}}
 */
export function createLogger(base: LogFields = {}, options: LoggerOptions = {}): Logger {
  const { level: minimum, sink, now } = { ...loggerDefaults, ...options };
  const log =
    (level: LogLevel) =>
    (event: string, fields: LogFields = {}) => {
      if (LEVEL_RANK[level] < LEVEL_RANK[minimum]) return;
      const own = { time: now().toISOString(), level, event };
      const entry: LogFields = Object.assign({ ...own, ...rendered(base), ...rendered(fields) }, own);
      sink(renderLine(entry), level);
    };
  return {
    debug: log("debug"),
    info: log("info"),
    warn: log("warn"),
    error: log("error"),
    child: (fields) => createLogger({ ...base, ...fields }, options),
  };
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger: Logger = createLogger({}, { sink: () => {} });

function rendered(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value !== undefined) out[key] = value instanceof Error ? { name: value.name, message: value.message } : value;
  }
  return out;
}

/** The JSON line; a field that cannot be serialised (a cycle, a bigint) is replaced, never thrown. */
function renderLine(entry: LogFields): string {
  try {
    return JSON.stringify(entry);
  } catch (error) {
    const { time, level, event } = entry;
    return JSON.stringify({
      time,
      level,
      event,
      log_error: `fields not serialisable: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
}
