/**
 * Interaction events as Parquet, written and read with DuckDB (`@duckdb/node-api`): one row per
 * event, typed columns in the event schema's order (shared/events/interaction-event.ts), the same in
 * every file so engines can read a whole folder as one table:
 *
 *   event_id VARCHAR, user_id VARCHAR, item_id VARCHAR, type VARCHAR,
 *   ts TIMESTAMP WITH TIME ZONE (Parquet INT64 TIMESTAMP, microseconds, adjusted to UTC),
 *   value DOUBLE, request_id VARCHAR, position INTEGER,
 *   context STRUCT(surface VARCHAR, device VARCHAR)
 *
 * An absent optional field is NULL (an absent `context` a NULL struct, `context: {}` a struct of
 * NULLs), so reading a file back gives the events that were written. DuckDB is loaded on first use,
 * so commands that never touch Parquet do not load its native library.
 */
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { InteractionEvent } from "../../../shared/events/interaction-event";
import { replaceFile } from "./replace-file";

/** An event as the lake holds it: `ts` always set. */
export type StampedEvent = InteractionEvent & { ts: number };

/** The table every Parquet file holds. */
const EVENT_COLUMNS = `
  event_id VARCHAR NOT NULL,
  user_id VARCHAR NOT NULL,
  item_id VARCHAR NOT NULL,
  type VARCHAR NOT NULL,
  ts TIMESTAMPTZ NOT NULL,
  value DOUBLE,
  request_id VARCHAR,
  position INTEGER,
  context STRUCT(surface VARCHAR, device VARCHAR)`;

/** Rows per appended chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/** Snappy: the codec every engine reads (Spark, Athena, BigQuery, DuckDB). */
const PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION snappy";

/** One in-memory DuckDB database that writes and reads event Parquet files; {@link close} it when done. */
export class EventParquet {
  private constructor(
    private readonly database: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly duckdb: typeof import("@duckdb/node-api"),
  ) {}

  /** Opens an in-memory database (loads DuckDB on first call). */
  static async open(): Promise<EventParquet> {
    const duckdb = await import("@duckdb/node-api");
    const database = await duckdb.DuckDBInstance.create(":memory:");
    const connection = await database.connect();
    await connection.run(`CREATE TEMP TABLE staged_events (${EVENT_COLUMNS})`);
    return new EventParquet(database, connection, duckdb);
  }

  /** Writes `events`, in order, to the Parquet file `path`, replacing it atomically (also when `events` is empty). */
  async write(path: string, events: readonly StampedEvent[]): Promise<void> {
    const { DuckDBDataChunk, structValue, timestampTZValue } = this.duckdb;
    await this.connection.run("DELETE FROM staged_events");
    const appender = await this.connection.createAppender("staged_events");
    try {
      const types = Array.from({ length: appender.columnCount }, (_, column) => appender.columnType(column));
      for (let start = 0; start < events.length; start += CHUNK_ROWS) {
        const rows = events.slice(start, start + CHUNK_ROWS);
        const chunk = DuckDBDataChunk.create(types, rows.length);
        chunk.setColumns([
          rows.map((event) => event.event_id),
          rows.map((event) => event.user_id),
          rows.map((event) => event.item_id),
          rows.map((event) => event.type),
          rows.map((event) => timestampTZValue(BigInt(event.ts) * 1000n)),
          rows.map((event) => event.value ?? null),
          rows.map((event) => event.request_id ?? null),
          rows.map((event) => event.position ?? null),
          rows.map(({ context }) => (context ? structValue({ surface: context.surface ?? null, device: context.device ?? null }) : null)),
        ]);
        appender.appendDataChunk(chunk);
      }
    } finally {
      appender.closeSync();
    }
    await replaceFile(path, async (temporary) => {
      await this.connection.run(`COPY staged_events TO ${sqlString(temporary)} (${PARQUET_OPTIONS})`);
    });
  }

  /** The events of the Parquet file `path`, in file order. */
  async read(path: string): Promise<StampedEvent[]> {
    const reader = await this.connection.runAndReadAll(
      "SELECT event_id, user_id, item_id, type, epoch_ms(ts) AS ts, value, request_id, position, context FROM read_parquet($path)",
      { path },
    );
    return reader.getRowObjectsJS().map((row) => eventFromRow(row as unknown as EventRow));
  }

  /** Closes the database. */
  close(): void {
    this.connection.closeSync();
    this.database.closeSync();
  }
}

/** A row as {@link EventParquet.read} selects it. */
interface EventRow {
  event_id: string;
  user_id: string;
  item_id: string;
  type: InteractionEvent["type"];
  ts: bigint;
  value: number | null;
  request_id: string | null;
  position: number | null;
  context: { surface: NonNullable<InteractionEvent["context"]>["surface"] | null; device: string | null } | null;
}

function eventFromRow(row: EventRow): StampedEvent {
  const event: StampedEvent = { event_id: row.event_id, user_id: row.user_id, item_id: row.item_id, type: row.type, ts: Number(row.ts) };
  if (row.value !== null) event.value = row.value;
  if (row.request_id !== null) event.request_id = row.request_id;
  if (row.position !== null) event.position = row.position;
  if (row.context !== null) {
    event.context = {};
    if (row.context.surface !== null) event.context.surface = row.context.surface;
    if (row.context.device !== null) event.context.device = row.context.device;
  }
  return event;
}

/** A SQL string literal (COPY takes no parameter for its target). */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
