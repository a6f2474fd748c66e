/**
 * Dynamic micro-batching in the manner of Triton's dynamic batcher. Requests join a FIFO queue;
 * a batch is taken from the head and runs as soon as an executor is free and
 *
 * - the batch is full: it holds `maxBatchRows` rows, or the next request of its group does not
 *   fit, or a request of another group is waiting (e.g. one on another model version), or
 * - the oldest request has waited `maxQueueDelayMs`, or
 * - the batcher is draining (shutdown: everything queued runs without waiting).
 *
 * A batch holds requests of one group only (the group of its oldest request: a model version):
 * it takes the oldest request and the later ones of the same group, in arrival order, past
 * requests of other groups, which wait for the next batch. A request larger than `maxBatchRows`
 * runs alone. The queue is bounded by rows: a request that
 * would take it past `maxQueueRows` is refused at once (`queue_full`), which the sidecar answers
 * with 503 and `Retry-After`. Every request has a deadline (`requestTimeoutMs`) covering its
 * queue wait and its batch: past it the caller gets `timeout`; a request still queued then is
 * dropped from the queue. With batching off, each request is its own batch and runs without delay.
 *
 * Time comes from an injectable {@link BatcherClock}, so tests drive it deterministically.
 */
import { systemClock, type BatcherClock, type TimerHandle } from "./batcher-clock";

/** Settings of the batcher. */
export interface BatchingConfig {
  /** Combine requests (`SIDECAR_BATCHING`, default on); off runs each request alone, as it arrives. */
  enabled: boolean;
  /** Most rows in one batch (`SIDECAR_MAX_BATCH_ROWS`, default 2048); a larger request runs alone. */
  maxBatchRows: number;
  /** Longest the oldest queued request waits for a batch to fill (`SIDECAR_MAX_QUEUE_DELAY_MS`, default 2). */
  maxQueueDelayMs: number;
  /** Most rows waiting in the queue (`SIDECAR_MAX_QUEUE_ROWS`, default 16384); more are refused. */
  maxQueueRows: number;
  /** Deadline of one request, queue wait plus inference (`SIDECAR_REQUEST_TIMEOUT_MS`, default 1000). */
  requestTimeoutMs: number;
}

/** Defaults of {@link BatchingConfig}. */
export const BATCHING_DEFAULTS = {
  enabled: true,
  maxBatchRows: 2048,
  maxQueueDelayMs: 2,
  maxQueueRows: 16_384,
  requestTimeoutMs: 1000,
} as const satisfies BatchingConfig;

/** One request handed to the batcher. */
export interface BatchItem<P> {
  /** Rows this request scores (its share of a batch). */
  rows: number;
  /** Requests batch together only with requests of the same group (compared with `===`). */
  group: unknown;
  payload: P;
  /** This request's own deadline in ms, when shorter than `requestTimeoutMs` (e.g. the caller's timeout). */
  timeoutMs?: number;
  /**
   * Called exactly once when the batcher no longer needs the item: its batch finished, it was
   * refused, or it timed out while queued. (A request that times out while its batch runs is
   * answered at once, but released only when the batch ends.)
   */
  release?: () => void;
}

/** A batch to run: requests of one group, in arrival order. */
export interface Batch<P> {
  group: unknown;
  rows: number;
  payloads: P[];
}

/** Runs one batch and returns one result per payload, in order. */
export type RunBatch<P, R> = (batch: Batch<P>) => Promise<R[]>;

/** Why the batcher did not run a request. */
export type BatcherRejectionReason = "queue_full" | "timeout";

/** A request the batcher refused or gave up on. */
export class BatcherRejection extends Error {
  constructor(
    readonly reason: BatcherRejectionReason,
    message: string,
  ) {
    super(message);
    this.name = "BatcherRejection";
  }
}

/** What the batcher reports as it works (metrics). */
export interface BatcherObserver {
  /** A batch was taken from the queue; `queueWaitsMs` has one entry per request. */
  batchStarted?(info: { rows: number; requests: number; queueWaitsMs: number[] }): void;
  /** The queue changed. */
  queueChanged?(depth: { requests: number; rows: number }): void;
  /** A request was refused or timed out. */
  rejected?(reason: BatcherRejectionReason): void;
}

/** Options of {@link DynamicBatcher}. */
export interface DynamicBatcherOptions<P, R> extends Partial<BatchingConfig> {
  run: RunBatch<P, R>;
  /** Batches running at once (default 1: one model instance, as Triton's default instance group). */
  concurrency?: number;
  clock?: BatcherClock;
  observer?: BatcherObserver;
}

interface Entry<P, R> {
  item: BatchItem<P>;
  enqueuedAt: number;
  state: "queued" | "running" | "settled";
  released: boolean;
  timeout: TimerHandle;
  resolve: (result: R) => void;
  reject: (error: unknown) => void;
}

/** Snapshot of the queue. */
export interface BatcherStats {
  queuedRequests: number;
  queuedRows: number;
  runningBatches: number;
}

/**
 * The batcher. One instance per served model store.
 *
 * @example
 * const batcher = new DynamicBatcher<Float32Array, Float32Array>({ run: ({ payloads }) => scoreAll(payloads) });
 * const scores = await batcher.submit({ rows: 300, group: model, payload: features });
 */
export class DynamicBatcher<P, R> {
  readonly config: BatchingConfig;
  readonly #run: RunBatch<P, R>;
  readonly #concurrency: number;
  readonly #clock: BatcherClock;
  readonly #observer: BatcherObserver;
  #queue: Entry<P, R>[] = [];
  #queuedRows = 0;
  #running = 0;
  #draining = false;
  #delayTimer: { handle: TimerHandle; due: number } | undefined;
  /** The queued request whose delay timer fired (timers may fire a hair before the clock agrees). */
  #overdue: Entry<P, R> | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(options: DynamicBatcherOptions<P, R>) {
    const { run, concurrency, clock, observer, ...config } = { concurrency: 1, clock: systemClock, observer: {}, ...options };
    this.config = { ...BATCHING_DEFAULTS, ...definedOnly(config) };
    this.#run = run;
    this.#concurrency = concurrency;
    this.#clock = clock;
    this.#observer = observer;
  }

  /** Current queue depth and batches in flight. */
  get stats(): BatcherStats {
    return { queuedRequests: this.#queue.length, queuedRows: this.#queuedRows, runningBatches: this.#running };
  }

  /**
   * Queues a request; resolves with its result once its batch has run. Rejects with a
   * {@link BatcherRejection} (`queue_full` at once, or `timeout`) or with the batch's own error.
   */
  submit(item: BatchItem<P>): Promise<R> {
    const { maxQueueRows } = this.config;
    if (this.#queuedRows + item.rows > maxQueueRows) {
      item.release?.();
      this.#observer.rejected?.("queue_full");
      return Promise.reject(
        new BatcherRejection(
          "queue_full",
          `the queue holds ${this.#queuedRows} rows; ${item.rows} more would pass its limit of ${maxQueueRows} rows`,
        ),
      );
    }
    return new Promise<R>((resolve, reject) => {
      const entry: Entry<P, R> = {
        item,
        enqueuedAt: this.#clock.now(),
        state: "queued",
        released: false,
        timeout: undefined,
        resolve,
        reject,
      };
      entry.timeout = this.#clock.setTimeout(() => this.#expire(entry), this.#deadlineMs(item));
      this.#queue.push(entry);
      this.#queuedRows += item.rows;
      this.#queueChanged();
      this.#pump();
    });
  }

  /** Runs everything queued without waiting for batches to fill; resolves when the queue is empty and no batch runs. */
  drain(): Promise<void> {
    this.#draining = true;
    this.#pump();
    if (this.#queue.length === 0 && this.#running === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#running < this.#concurrency && this.#queue.length > 0) {
      const batch = this.#readyBatch();
      if (!batch) break;
      this.#start(batch);
    }
    this.#scheduleDelayTimer();
    if (this.#queue.length === 0 && this.#running === 0) {
      for (const wake of this.#idleWaiters.splice(0)) wake();
    }
  }

  /**
   * The batch that may run now (`undefined`: keep waiting): the oldest request and, in arrival
   * order, the later requests of its group that fit, skipping requests of other groups (they wait
   * for a batch of their own, led by the oldest of them once it is at the head).
   */
  #readyBatch(): Entry<P, R>[] | undefined {
    const { enabled, maxBatchRows, maxQueueDelayMs } = this.config;
    const head = this.#queue[0]!;
    if (!enabled) return [head];
    const batch: Entry<P, R>[] = [];
    let rows = 0;
    // Full: the batch cannot grow, or another group waits behind it (holding it would delay that group too).
    let full = false;
    for (const entry of this.#queue) {
      if (entry.item.group !== head.item.group) {
        full = true;
        continue;
      }
      if (batch.length > 0 && rows + entry.item.rows > maxBatchRows) {
        full = true;
        break;
      }
      batch.push(entry);
      rows += entry.item.rows;
      if (rows >= maxBatchRows) {
        full = true;
        break;
      }
    }
    const waitedEnough = head === this.#overdue || this.#clock.now() - head.enqueuedAt >= maxQueueDelayMs;
    return full || waitedEnough || this.#draining ? batch : undefined;
  }

  #start(entries: Entry<P, R>[]): void {
    const now = this.#clock.now();
    const rows = entries.reduce((sum, entry) => sum + entry.item.rows, 0);
    this.#queuedRows -= rows;
    for (const entry of entries) entry.state = "running";
    // The entries are in queue order: a prefix of it (one group queued) or a selection (several).
    if (this.#queue[entries.length - 1] === entries[entries.length - 1]) this.#queue.splice(0, entries.length);
    else this.#queue = this.#queue.filter((entry) => entry.state === "queued");
    this.#running++;
    this.#queueChanged();
    this.#observer.batchStarted?.({ rows, requests: entries.length, queueWaitsMs: entries.map((entry) => now - entry.enqueuedAt) });
    const batch: Batch<P> = { group: entries[0]!.item.group, rows, payloads: entries.map((entry) => entry.item.payload) };
    let outcome: Promise<R[]>;
    try {
      outcome = this.#run(batch);
    } catch (error) {
      outcome = Promise.reject(error);
    }
    outcome
      .then((results) => {
        if (results.length !== entries.length) {
          throw new Error(`a batch of ${entries.length} requests returned ${results.length} results`);
        }
        for (const [i, entry] of entries.entries()) this.#settle(entry, () => entry.resolve(results[i]!));
      })
      .catch((error: unknown) => {
        for (const entry of entries) this.#settle(entry, () => entry.reject(error));
      })
      .finally(() => {
        for (const entry of entries) this.#release(entry);
        this.#running--;
        this.#pump();
      });
  }

  #expire(entry: Entry<P, R>): void {
    if (entry.state === "settled") return;
    const queued = entry.state === "queued";
    if (queued) {
      this.#queue.splice(this.#queue.indexOf(entry), 1);
      this.#queuedRows -= entry.item.rows;
      this.#queueChanged();
    }
    this.#observer.rejected?.("timeout");
    const where = queued ? "waiting in the queue" : "while its batch was running";
    this.#settle(entry, () =>
      entry.reject(new BatcherRejection("timeout", `no result within ${this.#deadlineMs(entry.item)} ms (timed out ${where})`)),
    );
    if (queued) {
      this.#release(entry);
      this.#pump();
    }
  }

  #deadlineMs(item: BatchItem<P>): number {
    return Math.min(this.config.requestTimeoutMs, item.timeoutMs ?? Number.POSITIVE_INFINITY);
  }

  #settle(entry: Entry<P, R>, settle: () => void): void {
    if (entry.state === "settled") return;
    entry.state = "settled";
    this.#clock.clearTimeout(entry.timeout);
    settle();
  }

  #release(entry: Entry<P, R>): void {
    if (entry.released) return;
    entry.released = true;
    entry.item.release?.();
  }

  #scheduleDelayTimer(): void {
    const head = this.#queue[0];
    const due = head && this.#running < this.#concurrency && !this.#draining ? head.enqueuedAt + this.config.maxQueueDelayMs : undefined;
    if (this.#delayTimer && this.#delayTimer.due === due) return;
    if (this.#delayTimer) this.#clock.clearTimeout(this.#delayTimer.handle);
    this.#delayTimer = undefined;
    if (due === undefined) return;
    const handle = this.#clock.setTimeout(
      () => {
        this.#delayTimer = undefined;
        this.#overdue = head;
        this.#pump();
      },
      Math.max(0, due - this.#clock.now()),
    );
    this.#delayTimer = { handle, due };
  }

  #queueChanged(): void {
    this.#observer.queueChanged?.({ requests: this.#queue.length, rows: this.#queuedRows });
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
