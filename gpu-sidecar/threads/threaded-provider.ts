/**
 * Inference off the event loop: an {@link ExecutionProvider} whose sessions are pools of
 * `worker_threads`, each thread holding its own session of the same model on the same provider.
 *
 * onnxruntime's `session.run` is synchronous native code (onnxruntime-node only defers it with
 * `setImmediate`), so inline inference blocks HTTP parsing, health checks and metrics for the
 * length of every batch, and one sidecar uses one core. With `SIDECAR_INFERENCE_THREADS=N` the
 * sidecar thread only parses, batches and answers; batches go to an idle thread (or wait, FIFO,
 * for one), feature matrices are moved to it and scores moved back (ArrayBuffer transfer).
 *
 * The pool is a {@link RankerSession}, so the model store, the batcher, deadlines, metrics and
 * reload are unchanged: `createSession` resolves once every thread has loaded the model (a reload
 * therefore swaps only after the new version is loaded in all threads), `release` (called by the
 * store once the version's last request has finished) shuts the threads down. A thread that dies
 * fails the batch it was running with an {@link InferenceThreadError} and is replaced.
 */
import { Worker } from "node:worker_threads";
import { errorMessage } from "../../shared/errors/error-message";
import { createExecutionProvider } from "../providers/create-execution-provider";
import type {
  ExecutionProvider,
  ExecutionProviderName,
  ProviderDescription,
  RankerSession,
  RankerSessionShape,
} from "../providers/execution-provider";
import { deserializeError, transferable, type FromInferenceWorker, type InferenceWorkerData, type ToInferenceWorker } from "./messages";

const WORKER_ENTRY = new URL("./inference-worker.mjs", import.meta.url);

/** How long `release()` waits for a thread to free its session before terminating it anyway. */
const RELEASE_TIMEOUT_MS = 5_000;

/** Something happened to an inference thread (for logging). */
export type InferenceThreadEvent =
  | { event: "thread_exited"; thread: number; exitCode: number; message: string; failedRows: number | undefined }
  | { event: "thread_replaced"; thread: number }
  | { event: "thread_replace_failed"; thread: number; message: string };

/** Options of {@link createThreadedProvider}. */
export interface ThreadedProviderOptions {
  /** Threads per loaded model version (at least 1). */
  threads: number;
  /** Told when a thread dies and when it has been replaced. */
  onThreadEvent?: (event: InferenceThreadEvent) => void;
}

/** A batch failed because its inference thread stopped (crashed, ran out of memory or was terminated). */
export class InferenceThreadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InferenceThreadError";
  }
}

/**
 * The provider `name` run in `threads` worker threads. `name`, `describe()` and the errors of
 * `createSession` (a {@link ProviderUnavailableError} or `ModelLoadError` raised in a thread is
 * rebuilt with the same class and message) are those of the inline provider.
 *
 * @example
 * const provider = createThreadedProvider("cpu", { threads: 2 });
 * const session = await provider.createSession(modelBytes); // 2 threads, each with the model loaded
 * const scores = await session.run(features, rows);          // runs on an idle thread
 */
export function createThreadedProvider(name: ExecutionProviderName, options: ThreadedProviderOptions): ExecutionProvider {
  if (!Number.isInteger(options.threads) || options.threads < 1) {
    throw new RangeError(`inference threads must be a positive integer, got ${options.threads}`);
  }
  let description = createExecutionProvider(name).describe();
  return {
    name,
    async createSession(modelBytes) {
      const pool = await InferencePool.open({ provider: name, modelBytes, threads: options.threads, onThreadEvent: options.onThreadEvent });
      description = pool.description;
      return pool;
    },
    describe: () => description,
  };
}

interface Job {
  id: number;
  features: Float32Array;
  rowCount: number;
  resolve: (scores: Float32Array) => void;
  reject: (error: unknown) => void;
}

interface Thread {
  /** 1-based slot number, kept by replacements (for messages and logs). */
  slot: number;
  worker: Worker;
  job: Job | undefined;
  /** Set once the pool itself asked the thread to stop (release), so its exit is expected. */
  stopping: boolean;
  /** Exit code once the thread has stopped (recorded from its start, so an exit before adoption is not missed). */
  exitCode: number | undefined;
  /** Message of the thread's uncaught error, if it had one. */
  failure: string;
}

interface PoolOptions {
  provider: ExecutionProviderName;
  modelBytes: Uint8Array;
  threads: number;
  onThreadEvent?: (event: InferenceThreadEvent) => void;
}

/** A model loaded in N inference threads; see the module comment. */
export class InferencePool implements RankerSession {
  readonly shape: RankerSessionShape;
  readonly description: ProviderDescription;
  readonly #options: PoolOptions;
  readonly #threads = new Set<Thread>();
  readonly #queue: Job[] = [];
  /** Slots whose replacement thread is loading. */
  readonly #replacing = new Set<number>();
  #nextJobId = 1;
  #released: Promise<void> | undefined;

  private constructor(options: PoolOptions, first: Loaded[]) {
    this.#options = options;
    this.shape = first[0]!.shape;
    this.description = first[0]!.description;
    for (const { thread } of first) this.#adopt(thread);
  }

  /** Starts `threads` threads and resolves once each has loaded the model; if one fails, stops them all and throws its error. */
  static async open(options: PoolOptions): Promise<InferencePool> {
    const starts = Array.from({ length: options.threads }, (_, i) => startThread(options, i + 1));
    const settled = await Promise.allSettled(starts);
    const failed = settled.find((result): result is PromiseRejectedResult => result.status === "rejected");
    if (failed) {
      await Promise.all(settled.map((result) => (result.status === "fulfilled" ? result.value.thread.worker.terminate() : undefined)));
      throw failed.reason;
    }
    return new InferencePool(
      options,
      settled.map((result) => (result as PromiseFulfilledResult<Loaded>).value),
    );
  }

  /** Threads currently able to run batches (excludes replacements still loading). */
  get threadCount(): number {
    return this.#threads.size;
  }

  /** The live threads' workers, busy or not (tests use this to kill one). */
  get workers(): { worker: Worker; busy: boolean }[] {
    return [...this.#threads].map((thread) => ({ worker: thread.worker, busy: thread.job !== undefined }));
  }

  /** Batches waiting for an idle thread. */
  get queuedBatches(): number {
    return this.#queue.length;
  }

  /**
   * Scores `rowCount` rows on an idle thread. Takes ownership of `features`: when it spans its
   * whole `ArrayBuffer` that buffer is moved to the thread and `features` is detached afterwards.
   */
  run(features: Float32Array, rowCount: number): Promise<Float32Array> {
    if (this.#released) return Promise.reject(new InferenceThreadError("the model's inference threads have been released"));
    if (rowCount === 0) return Promise.resolve(new Float32Array(0));
    return new Promise((resolve, reject) => {
      this.#queue.push({ id: this.#nextJobId++, features, rowCount, resolve, reject });
      this.#ensureThreads();
      this.#dispatch();
    });
  }

  /** Waits for running batches, frees each thread's session and stops the threads. */
  release(): Promise<void> {
    this.#released ??= this.#releaseAll();
    return this.#released;
  }

  async #releaseAll(): Promise<void> {
    const closed = new InferenceThreadError("the model's inference threads were released before this batch ran");
    for (const job of this.#queue.splice(0)) job.reject(closed);
    const errors: string[] = [];
    await Promise.all(
      [...this.#threads].map(async (thread) => {
        while (thread.job) await onceSettled(thread);
        const error = await stopThread(thread);
        if (error) errors.push(`thread ${thread.slot}: ${error}`);
        this.#threads.delete(thread);
      }),
    );
    if (errors.length > 0) throw new Error(`releasing the inference threads' sessions failed: ${errors.join("; ")}`);
  }

  #adopt(thread: Thread): void {
    this.#threads.add(thread);
    thread.worker.on("message", (message: FromInferenceWorker) => {
      if (message.type !== "result" && message.type !== "run_failed") return;
      const job = thread.job;
      if (!job || job.id !== message.id) return;
      thread.job = undefined;
      if (message.type === "result") job.resolve(message.scores);
      else job.reject(deserializeError(message.error));
      thread.worker.emit("idle");
      this.#dispatch();
    });
    const onExit = (exitCode: number) => {
      this.#threads.delete(thread);
      const job = thread.job;
      thread.job = undefined;
      if (thread.stopping) return;
      const { failure } = thread;
      const cause = failure ? `: ${failure}` : "";
      this.#options.onThreadEvent?.({ event: "thread_exited", thread: thread.slot, exitCode, message: failure, failedRows: job?.rowCount });
      if (job) {
        job.reject(
          new InferenceThreadError(
            `inference thread ${thread.slot} stopped (exit code ${exitCode}${cause}) while scoring a batch of ${job.rowCount} rows; it is being replaced`,
          ),
        );
      }
      thread.worker.emit("idle");
      this.#replace(thread.slot);
    };
    if (thread.exitCode !== undefined) onExit(thread.exitCode);
    else thread.worker.once("exit", onExit);
  }

  /** Starts a replacement for `slot`; until it has loaded, the other threads take the batches. */
  #replace(slot: number): void {
    if (this.#released || this.#replacing.has(slot)) return;
    this.#replacing.add(slot);
    startThread(this.#options, slot).then(
      ({ thread }) => {
        this.#replacing.delete(slot);
        if (this.#released) {
          void thread.worker.terminate();
          return;
        }
        this.#adopt(thread);
        this.#options.onThreadEvent?.({ event: "thread_replaced", thread: slot });
        this.#dispatch();
      },
      (error: unknown) => {
        this.#replacing.delete(slot);
        this.#options.onThreadEvent?.({ event: "thread_replace_failed", thread: slot, message: errorMessage(error) });
        // With no thread left nothing would ever take the queue: fail it (the next batch retries).
        if (this.#threads.size === 0 && this.#replacing.size === 0) {
          const failure = new InferenceThreadError(
            `no inference thread is running: replacing thread ${slot} failed: ${errorMessage(error)}`,
          );
          for (const job of this.#queue.splice(0)) job.reject(failure);
        }
      },
    );
  }

  /** Re-creates missing threads (after a failed replacement) when work arrives. */
  #ensureThreads(): void {
    if (this.#threads.size + this.#replacing.size >= this.#options.threads) return;
    const used = new Set([...this.#threads].map((thread) => thread.slot).concat([...this.#replacing]));
    for (let slot = 1; slot <= this.#options.threads; slot++) if (!used.has(slot)) this.#replace(slot);
  }

  #dispatch(): void {
    for (const thread of this.#threads) {
      if (this.#queue.length === 0) return;
      if (thread.job || thread.stopping) continue;
      const job = this.#queue.shift()!;
      thread.job = job;
      const { array, transfer } = transferable(job.features);
      const message: ToInferenceWorker = { type: "run", id: job.id, features: array, rowCount: job.rowCount };
      try {
        thread.worker.postMessage(message, transfer);
      } catch (error) {
        thread.job = undefined;
        job.reject(error);
      }
    }
  }
}

interface Loaded {
  thread: Thread;
  shape: RankerSessionShape;
  description: ProviderDescription;
}

/** Starts one thread and waits for it to load the model; rejects with the thread's load error. */
function startThread(options: PoolOptions, slot: number): Promise<Loaded> {
  const data: InferenceWorkerData = { provider: options.provider, modelBytes: options.modelBytes };
  const worker = new Worker(WORKER_ENTRY, { workerData: data, name: `inference-${options.provider}-${slot}` });
  const thread: Thread = { slot, worker, job: undefined, stopping: false, exitCode: undefined, failure: "" };
  // Kept for the thread's whole life: an error or exit between loading and joining the pool is not lost.
  worker.on("error", (error) => (thread.failure = errorMessage(error)));
  worker.once("exit", (code) => (thread.exitCode = code));
  return new Promise<Loaded>((resolve, reject) => {
    const cleanup = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.off("exit", onExit);
    };
    const fail = (error: Error) => {
      cleanup();
      void worker.terminate();
      reject(error);
    };
    const onMessage = (message: FromInferenceWorker) => {
      if (message.type === "ready") {
        cleanup();
        resolve({ thread, shape: message.shape, description: message.description });
      } else if (message.type === "load_failed") {
        fail(deserializeError(message.error));
      }
    };
    const onError = (error: Error) => fail(new Error(`inference thread ${slot} failed to start: ${errorMessage(error)}`, { cause: error }));
    const onExit = (code: number) => fail(new Error(`inference thread ${slot} exited (code ${code}) before loading the model`));
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.on("exit", onExit);
  });
}

/** Resolves when the thread's current job settles (or the thread exits). */
function onceSettled(thread: Thread): Promise<void> {
  return new Promise((resolve) => thread.worker.once("idle", () => resolve()));
}

/** Asks the thread to free its session, then terminates it; returns the release error, if any. */
async function stopThread(thread: Thread): Promise<string | undefined> {
  thread.stopping = true;
  const { worker } = thread;
  if (thread.exitCode !== undefined) return undefined;
  let error: string | undefined;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      error = `did not release its session within ${RELEASE_TIMEOUT_MS} ms`;
      done();
    }, RELEASE_TIMEOUT_MS);
    const onMessage = (message: FromInferenceWorker) => {
      if (message.type !== "released") return;
      if (message.error) error = message.error.message;
      done();
    };
    const done = () => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("exit", done);
      resolve();
    };
    worker.on("message", onMessage);
    worker.once("exit", done);
    try {
      worker.postMessage({ type: "release" } satisfies ToInferenceWorker);
    } catch {
      done();
    }
  });
  await worker.terminate();
  return error;
}
