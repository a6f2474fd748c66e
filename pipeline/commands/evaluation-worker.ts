/**
 * Worker-thread entry of `pipeline evaluate`: receives the dataset's interaction matrices once,
 * then runs evaluation tasks (a seed, a tuning trial) and posts back results and throttled
 * progress. Started by {@link WorkerPool}; see `evaluation-task.ts` for the tasks.
 */
import { parentPort, workerData } from "node:worker_threads";
import { type EvaluationData, runEvaluationTask, SplitCache, type EvaluationTask } from "../evaluate/evaluation-task";
import type { WorkerReply, WorkerRequest } from "./worker-pool";

const port = parentPort;
if (!port) throw new Error("evaluation-worker.ts must run in a worker thread");
const splits = new SplitCache(workerData as EvaluationData);

port.on("message", ({ id, task }: WorkerRequest<EvaluationTask>) => {
  let lastProgress = 0;
  const progress = (label: string, done: number, total: number) => {
    const now = performance.now();
    if (now - lastProgress < 150 && done < total) return;
    lastProgress = now;
    port.postMessage({ id, type: "progress", label, done, total } satisfies WorkerReply<unknown>);
  };
  try {
    const result = runEvaluationTask(task, splits, progress);
    port.postMessage({ id, type: "result", result } satisfies WorkerReply<unknown>);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    port.postMessage({ id, type: "error", message } satisfies WorkerReply<unknown>);
  }
});
