/**
 * The body of one inference thread: creates the provider named in `workerData`, loads the model
 * into its own session and then scores the batches the sidecar thread posts, one at a time,
 * moving (not copying) the score arrays back. Started by threaded-provider.ts through
 * inference-worker.mjs.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createExecutionProvider } from "../providers/create-execution-provider";
import type { RankerSession } from "../providers/execution-provider";
import { serializeError, transferable, type FromInferenceWorker, type InferenceWorkerData, type ToInferenceWorker } from "./messages";

export async function runInferenceWorker(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error("inference-worker-body.ts runs inside a worker thread");
  const post = (message: FromInferenceWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
  const { provider: name, modelBytes } = workerData as InferenceWorkerData;
  let session: RankerSession;
  try {
    const provider = createExecutionProvider(name);
    session = await provider.createSession(modelBytes);
    post({ type: "ready", shape: session.shape, description: provider.describe() });
  } catch (error) {
    post({ type: "load_failed", error: serializeError(error) });
    return;
  }
  port.on("message", (message: ToInferenceWorker) => {
    if (message.type === "run") {
      session.run(message.features, message.rowCount).then(
        (scores) => {
          const { array, transfer } = transferable(scores);
          try {
            post({ type: "result", id: message.id, scores: array }, transfer);
          } catch {
            // A runtime-owned buffer that cannot be detached: send a copy.
            post({ type: "result", id: message.id, scores: array.slice() });
          }
        },
        (error: unknown) => post({ type: "run_failed", id: message.id, error: serializeError(error) }),
      );
    } else if (message.type === "release") {
      session.release().then(
        () => post({ type: "released" }),
        (error: unknown) => post({ type: "released", error: serializeError(error) }),
      );
    }
  });
}
