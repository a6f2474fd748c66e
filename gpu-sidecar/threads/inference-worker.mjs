/**
 * Entry of an inference thread (see threaded-provider.ts). Plain JavaScript so that Node can start
 * it whether the sidecar runs under tsx (`npm start`, `npm run sidecar`), under vitest or otherwise:
 * it loads the TypeScript worker body through tsx's scoped loader, which affects this thread only.
 */
import { tsImport } from "tsx/esm/api";

const { runInferenceWorker } = await tsImport("./inference-worker-body.ts", import.meta.url);
await runInferenceWorker();
