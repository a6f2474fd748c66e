/**
 * Finds out, once per test file, whether an execution provider runs on this machine, by creating a
 * session for the fixture model. GPU cases use it to skip with the provider's own reason.
 */
import { linearRankerToOnnx } from "../../../pipeline/export/onnx-linear-ranker";
import { createExecutionProvider } from "../../../gpu-sidecar/providers/create-execution-provider";
import { ProviderUnavailableError, type ExecutionProviderName } from "../../../gpu-sidecar/providers/execution-provider";
import { fixtureRanker } from "../../support/ranker-fixture";

/** Whether a provider can run here; when not, the typed error it raised. */
export type ProviderAvailability = { available: true } | { available: false; error: ProviderUnavailableError };

/** Probes `name` by loading the fixture model; errors other than unavailability propagate. */
export async function probeProvider(name: ExecutionProviderName): Promise<ProviderAvailability> {
  const session = await createExecutionProvider(name)
    .createSession(linearRankerToOnnx(fixtureRanker()))
    .catch((error: unknown) => {
      if (error instanceof ProviderUnavailableError) return error;
      throw error;
    });
  if (session instanceof ProviderUnavailableError) return { available: false, error: session };
  await session.release();
  return { available: true };
}
