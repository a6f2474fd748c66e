/**
 * Test helpers for model versions served side by side: a default model folder plus a releases
 * folder of `<version>/` folders (written with the shared ranker fixture), rankers whose scores
 * differ by version, and a CPU provider that records every session it creates, runs and releases.
 */
import { join } from "node:path";
import { createCpuProvider } from "../../../gpu-sidecar/providers/cpu";
import type { ExecutionProvider } from "../../../gpu-sidecar/providers/execution-provider";
import type { LinearRankerModel } from "../../../shared/ranking/linear-ranker";
import { fixtureRanker, type ModelFolderOptions, tempFolder, writeModelFolder } from "../../support/ranker-fixture";

/**
 * A fixture ranker for `version` whose weights and bias depend on `variant`, so two versions score
 * the same rows differently (a test cannot pass by scoring with the wrong one).
 */
export function versionRanker(version: string, variant: number): LinearRankerModel {
  const base = fixtureRanker(version);
  return {
    ...base,
    weights: base.weights.map((w, i) => (i % 2 === variant % 2 ? w * (1 + variant) : -w + 0.1 * variant)),
    bias: base.bias + 0.7 * variant,
  };
}

/** A default model folder and a releases folder in one temporary folder. */
export async function releaseFolders() {
  const root = await tempFolder("sidecar-releases-");
  const modelDir = join(root.path, "default");
  const releasesDir = join(root.path, "releases");
  return {
    modelDir,
    releasesDir,
    /** Writes the default model folder. */
    writeDefault: (model: LinearRankerModel) => writeModelFolder(modelDir, { model }),
    /** Writes `<releasesDir>/<folder>/` (named by the model's version unless `folder` says otherwise). */
    writeRelease: (model: LinearRankerModel, options: Omit<ModelFolderOptions, "model"> & { folder?: string } = {}) =>
      writeModelFolder(join(releasesDir, options.folder ?? model.modelVersion), { ...options, model }),
    remove: root.remove,
  };
}

/** What a {@link recordingProvider} saw. */
export interface ProviderRecord {
  /** Sessions created so far (ids are 1, 2, … in creation order). */
  created: number;
  /** Ids of the sessions released, in order. */
  released: number[];
  /** Every `session.run`: which session and how many rows. */
  runs: { session: number; rows: number }[];
}

/** Options of {@link recordingProvider}. */
export interface RecordingProviderOptions {
  /** Awaited before each session is created (hold loads). */
  beforeCreate?: () => Promise<void> | undefined;
  /** Awaited before each `session.run` (hold batches). */
  beforeRun?: () => Promise<void> | undefined;
}

/** The CPU provider, recording sessions created, runs and releases. */
export function recordingProvider(record: ProviderRecord, options: RecordingProviderOptions = {}): ExecutionProvider {
  const cpu = createCpuProvider();
  return {
    ...cpu,
    async createSession(bytes) {
      await options.beforeCreate?.();
      const session = await cpu.createSession(bytes);
      const id = ++record.created;
      return {
        shape: session.shape,
        run: async (features, rows) => {
          record.runs.push({ session: id, rows });
          await options.beforeRun?.();
          return session.run(features, rows);
        },
        release: async () => {
          record.released.push(id);
          await session.release();
        },
      };
    },
  };
}

/** An empty {@link ProviderRecord}. */
export function newRecord(): ProviderRecord {
  return { created: 0, released: [], runs: [] };
}
