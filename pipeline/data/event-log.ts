/**
 * The raw interaction log held column-wise with dense indices: one entry per event, in the order
 * read (by time for an event-log folder). Aggregation into the interaction matrix happens later.
 */
import { EVENT_TYPES, type EventType } from "../../shared/events/interaction-event";
import { eventWeight } from "../../shared/events/event-weight";
import { buildInteractionMatrix, type InteractionMatrix } from "./interaction-matrix";

/** Column-oriented event log; `types[k]` indexes {@link EVENT_TYPES}. */
export interface EventLog {
  length: number;
  users: Int32Array;
  items: Int32Array;
  types: Uint8Array;
  /** ms since epoch. */
  timestamps: Float64Array;
  /** The event's `value`, or NaN when absent. */
  values: Float64Array;
}

const TYPE_CODES = Object.fromEntries(EVENT_TYPES.map((type, code) => [type, code])) as Record<EventType, number>;

/** Appends events to growable columns; `finish()` returns the trimmed {@link EventLog}. */
export class EventLogBuilder {
  private length = 0;
  private users = new Int32Array(1024);
  private items = new Int32Array(1024);
  private types = new Uint8Array(1024);
  private timestamps = new Float64Array(1024);
  private values = new Float64Array(1024);

  /** Adds one event. */
  push(user: number, item: number, type: EventType, ts: number, value?: number): void {
    if (this.length === this.users.length) this.grow();
    const k = this.length++;
    this.users[k] = user;
    this.items[k] = item;
    this.types[k] = TYPE_CODES[type];
    this.timestamps[k] = ts;
    this.values[k] = value ?? Number.NaN;
  }

  /** The events added so far. */
  finish(): EventLog {
    const n = this.length;
    return {
      length: n,
      users: this.users.slice(0, n),
      items: this.items.slice(0, n),
      types: this.types.slice(0, n),
      timestamps: this.timestamps.slice(0, n),
      values: this.values.slice(0, n),
    };
  }

  private grow(): void {
    const size = this.users.length * 2;
    const resize = <T extends Int32Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.users = resize(this.users, (n) => new Int32Array(n));
    this.items = resize(this.items, (n) => new Int32Array(n));
    this.types = resize(this.types, (n) => new Uint8Array(n));
    this.timestamps = resize(this.timestamps, (n) => new Float64Array(n));
    this.values = resize(this.values, (n) => new Float64Array(n));
  }
}

/** The event type of entry `k`. */
export function eventTypeAt(log: EventLog, k: number): EventType {
  return EVENT_TYPES[log.types[k]!]!;
}

/**
 * Aggregates the positive events of `log` into a user × item {@link InteractionMatrix} with
 * confidence = Σ eventWeight; exposures (weight 0) and negative events are left out.
 */
export function positiveInteractions(log: EventLog, shape: { users: number; items: number }): InteractionMatrix {
  const rows: number[] = [];
  const cols: number[] = [];
  const confidence: number[] = [];
  const timestamps: number[] = [];
  for (let k = 0; k < log.length; k++) {
    const weight = eventWeight[eventTypeAt(log, k)];
    if (weight <= 0) continue;
    rows.push(log.users[k]!);
    cols.push(log.items[k]!);
    confidence.push(weight);
    timestamps.push(log.timestamps[k]!);
  }
  return buildInteractionMatrix({ rows: shape.users, cols: shape.items }, { rows, cols, confidence, timestamps });
}

/** `log` in time order (stable: events with the same `ts` keep their order). */
export function sortEventLogByTime(log: EventLog): EventLog {
  const order = Array.from({ length: log.length }, (_, k) => k);
  order.sort((a, b) => log.timestamps[a]! - log.timestamps[b]! || a - b);
  const pick = <T extends Int32Array | Uint8Array | Float64Array>(column: T, make: (n: number) => T): T => {
    const out = make(log.length);
    for (let k = 0; k < order.length; k++) out[k] = column[order[k]!]!;
    return out;
  };
  return {
    length: log.length,
    users: pick(log.users, (n) => new Int32Array(n)),
    items: pick(log.items, (n) => new Int32Array(n)),
    types: pick(log.types, (n) => new Uint8Array(n)),
    timestamps: pick(log.timestamps, (n) => new Float64Array(n)),
    values: pick(log.values, (n) => new Float64Array(n)),
  };
}
