/**
 * Entry point of the ranking sidecar: `SIDECAR_MODEL_DIR=artifacts/latest npx tsx gpu-sidecar/main.ts`.
 *
 * Reads the configuration from the environment, opens the configured execution provider and the
 * model, and serves until SIGINT/SIGTERM, then stops accepting, finishes in-flight requests and
 * exits 0. SIGHUP reloads the model folder. Any start-up problem (bad config, unavailable provider
 * without fallback, missing or invalid model, port in use) exits 1 with one structured log line and
 * one plain `sidecar: cannot start: ...` line on stderr.
 */
import { loadSidecarConfig } from "./config";
import { errorMessage } from "../shared/errors/error-message";
import { createJsonLogger } from "./json-logger";
import { startSidecar, type RunningSidecar } from "./start-sidecar";

const logger = createJsonLogger();

async function main(): Promise<void> {
  let sidecar: RunningSidecar;
  try {
    sidecar = await startSidecar({ config: loadSidecarConfig(), logger });
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    logger.error("sidecar_start_failed", { error: name, message: errorMessage(error) });
    process.stderr.write(`sidecar: cannot start: ${errorMessage(error)}\n`);
    process.exit(1);
  }
  process.stdout.write(
    `sidecar listening on ${sidecar.url} (provider=${sidecar.provider.active}, model=${sidecar.store.current?.version ?? "none"})\n`,
  );

  const stop = async (signal: NodeJS.Signals) => {
    logger.info("sidecar_stopping", { signal });
    const { drained } = await sidecar.close();
    logger.info("sidecar_stopped", { signal, drained });
    process.exit(drained ? 0 : 1);
  };
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (stopping) {
        logger.warn("sidecar_forced_exit", { signal });
        process.exit(1);
      }
      stopping = true;
      void stop(signal);
    });
  }
  process.on("SIGHUP", () => {
    sidecar.store.reload().then(
      ({ model, previousVersion }) =>
        logger.info("model_reloaded", { model_version: model.version, previous_version: previousVersion ?? null }),
      (error: unknown) =>
        logger.error("model_reload_failed", { message: errorMessage(error), model_version: sidecar.store.current?.version ?? null }),
    );
  });
}

process.on("unhandledRejection", (reason) => {
  logger.error("unhandled_rejection", { message: errorMessage(reason) });
});

void main();
