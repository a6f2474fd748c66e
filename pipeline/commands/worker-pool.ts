/**
 * A fixed pool of worker threads running TypeScript task modules (registered with tsx's ESM
 * loader inside each worker, as the pipeline itself runs under tsx). Tasks queue until a worker is
 * free; each reports progress on its own lane (the worker's number) and resolves with its result.
 */
import { Worker } from "node:worker_threads";

/** Message to a worker. */
export interface WorkerRequest<Task> {
  id: number;
  task: Task;
}

/** Message from a worker. */
export type WorkerReply<Result> =
  | { id: number; type: "progress"; label: string; done: number; total: number }
  | { id: number; type: "result"; result: Result }
  | { id: number; type: "error"; message: string };

/** Progress of a running task, with the lane (worker number) it runs on. */
export type LaneProgress = (lane: number, label: string, done: number, total: number) => void;

interface Pending<Result> {
  task: unknown;
  resolve: (result: Result) => void;
  reject: (error: Error) => void;
  onProgress?: LaneProgress;
}

/** A pool of `size` workers, each started with `workerData` and the module at `moduleUrl`. */
export class WorkerPool<Task, Result> {
  private readonly workers: Worker[] = [];
  private readonly idle: number[] = [];
  private readonly queue: (Pending<Result> & { id: number })[] = [];
  private readonly running = new Map<number, Pending<Result> & { lane: number }>();
  private nextId = 0;
  private broken: Error | undefined;

  constructor(moduleUrl: URL, size: number, workerData: unknown) {
    const tsx = import.meta.resolve("tsx/esm/api");
    const bootstrap = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(moduleUrl.href)});`;
    for (let lane = 0; lane < size; lane++) {
      const worker = new Worker(bootstrap, { eval: true, workerData });
      worker.on("message", (reply: WorkerReply<Result>) => this.onReply(lane, reply));
      worker.on("error", (error) => this.failLane(lane, error));
      worker.unref();
      this.workers.push(worker);
      this.idle.push(lane);
    }
  }

  /** Number of workers. */
  get size(): number {
    return this.workers.length;
  }

  /** Queues `task`; resolves with its result. */
  run(task: Task, onProgress?: LaneProgress): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      if (this.broken) {
        reject(this.broken);
        return;
      }
      this.queue.push({ id: this.nextId++, task, resolve, reject, ...(onProgress ? { onProgress } : {}) });
      this.dispatch();
    });
  }

  /** Stops every worker. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const lane = this.idle.shift()!;
      const pending = this.queue.shift()!;
      this.running.set(pending.id, { ...pending, lane });
      this.workers[lane]!.ref();
      this.workers[lane]!.postMessage({ id: pending.id, task: pending.task } satisfies WorkerRequest<unknown>);
    }
  }

  private onReply(lane: number, reply: WorkerReply<Result>): void {
    const pending = this.running.get(reply.id);
    if (!pending) return;
    switch (reply.type) {
      case "progress":
        pending.onProgress?.(lane, reply.label, reply.done, reply.total);
        return;
      case "result":
        this.finish(reply.id, lane);
        pending.resolve(reply.result);
        return;
      case "error":
        this.finish(reply.id, lane);
        pending.reject(new Error(reply.message));
        return;
      default:
        reply satisfies never;
    }
  }

  private finish(id: number, lane: number): void {
    this.running.delete(id);
    this.workers[lane]!.unref();
    this.idle.push(lane);
    this.dispatch();
  }

  /** A worker died (uncaught error): fail everything rather than hang on a missing lane. */
  private failLane(lane: number, error: Error): void {
    this.broken = new Error(`evaluation worker ${lane} failed: ${error.message}`);
    for (const pending of [...this.running.values(), ...this.queue.splice(0)]) pending.reject(this.broken);
    this.running.clear();
  }
}
