/**
 * The raw interaction log held column-wise with dense indices: one entry per event, in the order
 * read (by time for an event-log folder). Aggregation into the interaction matrix happens later.
 */
import { EVENT_TYPES, type EventType } from "../../shared/events/interaction-event";
import { DEFAULT_EVENT_WEIGHTS, type EventWeights, eventSignal } from "../../shared/events/event-weight";
import { buildInteractionMatrix, type InteractionMatrix, selectEntries } from "./interaction-matrix";

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
  /** The slot the event came from (its `position`), or −1 when not logged. */
  positions: Int16Array;
  /** 1 when the event came from a randomised (exploration) response, see `bias/exploration-request.ts`. */
  explored: Uint8Array;
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
  private positions = new Int16Array(1024);
  private explored = new Uint8Array(1024);

  /** Adds one event; `slot` is where it was shown (position, and whether the response was randomised). */
  push(user: number, item: number, type: EventType, ts: number, value?: number, slot?: { position?: number; explored?: boolean }): void {
    if (this.length === this.users.length) this.grow();
    const k = this.length++;
    this.users[k] = user;
    this.items[k] = item;
    this.types[k] = TYPE_CODES[type];
    this.timestamps[k] = ts;
    this.values[k] = value ?? Number.NaN;
    this.positions[k] = slot?.position ?? -1;
    this.explored[k] = slot?.explored ? 1 : 0;
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
      positions: this.positions.slice(0, n),
      explored: this.explored.slice(0, n),
    };
  }

  private grow(): void {
    const size = this.users.length * 2;
    const resize = <T extends Int32Array | Int16Array | Uint8Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(old);
      return next;
    };
    this.users = resize(this.users, (n) => new Int32Array(n));
    this.items = resize(this.items, (n) => new Int32Array(n));
    this.types = resize(this.types, (n) => new Uint8Array(n));
    this.timestamps = resize(this.timestamps, (n) => new Float64Array(n));
    this.values = resize(this.values, (n) => new Float64Array(n));
    this.positions = resize(this.positions, (n) => new Int16Array(n));
    this.explored = resize(this.explored, (n) => new Uint8Array(n));
  }
}

/** The event type of entry `k`. */
export function eventTypeAt(log: EventLog, k: number): EventType {
  return EVENT_TYPES[log.types[k]!]!;
}

/** The log's evidence per (user, item), split by the sign of its net weight. */
export interface WeightedInteractions {
  /** Pairs whose summed signed weight is > 0; confidence = that sum, counts = their positive events. */
  positives: InteractionMatrix;
  /** Pairs whose summed signed weight is < 0; confidence = |that sum|, counts = their negative events. */
  negatives: InteractionMatrix;
}

/**
 * Aggregates `log` into user × item evidence with the shared weight table (`eventSignal`: per-type
 * weights, ratings, dwell and completion values): each pair's signed weights are summed, a pair with
 * a positive net is a positive interaction (confidence = the net), one with a negative net a negative
 * (confidence = |net|, e.g. viewed then hidden), one that nets to 0 — or only saw exposures — neither.
 * `eventScale` (one factor per event, e.g. inverse propensities, `bias/inverse-propensity.ts`)
 * multiplies each event's weight before summing; without it every event counts as the table says.
 */
export function weightedInteractions(
  log: EventLog,
  shape: { users: number; items: number },
  weights: EventWeights = DEFAULT_EVENT_WEIGHTS,
  eventScale?: ArrayLike<number>,
): WeightedInteractions {
  const positive = { rows: [] as number[], cols: [] as number[], confidence: [] as number[], timestamps: [] as number[] };
  const negative = { rows: [] as number[], cols: [] as number[], confidence: [] as number[], timestamps: [] as number[] };
  for (let k = 0; k < log.length; k++) {
    const value = log.values[k]!;
    const signal = eventSignal(eventTypeAt(log, k), Number.isNaN(value) ? undefined : value, weights);
    const weight = eventScale ? signal * eventScale[k]! : signal;
    if (weight === 0) continue;
    const side = weight > 0 ? positive : negative;
    side.rows.push(log.users[k]!);
    side.cols.push(log.items[k]!);
    side.confidence.push(Math.abs(weight));
    side.timestamps.push(log.timestamps[k]!);
  }
  const size = { rows: shape.users, cols: shape.items };
  return netEvidence(buildInteractionMatrix(size, positive), buildInteractionMatrix(size, negative));
}

/**
 * The positive events of `log` aggregated per (user, item) by the weight table; pairs whose net
 * weight is not positive are left out (see {@link weightedInteractions} for both sides).
 */
export function positiveInteractions(log: EventLog, shape: { users: number; items: number }, weights?: EventWeights): InteractionMatrix {
  return weightedInteractions(log, shape, weights).positives;
}

/** Nets each pair present on both sides: the larger side keeps the pair with the difference. */
function netEvidence(positive: InteractionMatrix, negative: InteractionMatrix): WeightedInteractions {
  const keepPositive = new Uint8Array(positive.indices.length).fill(1);
  const keepNegative = new Uint8Array(negative.indices.length).fill(1);
  const positiveConfidence = positive.confidence.slice();
  const negativeConfidence = negative.confidence.slice();
  for (let u = 0; u < positive.rows; u++) {
    let a = positive.indptr[u]!;
    let b = negative.indptr[u]!;
    while (a < positive.indptr[u + 1]! && b < negative.indptr[u + 1]!) {
      const pc = positive.indices[a]!;
      const nc = negative.indices[b]!;
      if (pc < nc) a++;
      else if (nc < pc) b++;
      else {
        const net = positive.confidence[a]! - negative.confidence[b]!;
        positiveConfidence[a] = Math.max(0, net);
        negativeConfidence[b] = Math.max(0, -net);
        if (net <= 0) keepPositive[a] = 0;
        if (net >= 0) keepNegative[b] = 0;
        a++;
        b++;
      }
    }
  }
  return {
    positives: selectEntries({ ...positive, confidence: positiveConfidence }, keepPositive),
    negatives: selectEntries({ ...negative, confidence: negativeConfidence }, keepNegative),
  };
}

/** `log` in time order (stable: events with the same `ts` keep their order). */
export function sortEventLogByTime(log: EventLog): EventLog {
  const order = Array.from({ length: log.length }, (_, k) => k);
  order.sort((a, b) => log.timestamps[a]! - log.timestamps[b]! || a - b);
  const pick = <T extends Int32Array | Int16Array | Uint8Array | Float64Array>(column: T, make: (n: number) => T): T => {
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
    positions: pick(log.positions, (n) => new Int16Array(n)),
    explored: pick(log.explored, (n) => new Uint8Array(n)),
  };
}
