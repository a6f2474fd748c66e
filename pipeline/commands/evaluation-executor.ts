/**
 * Runs evaluation tasks either in this thread or in a pool of worker threads, behind one
 * interface: `run` a seed, or hand `tunePlan` a trial runner. Worker trials send their fitted
 * models back in saved form so the blend can be tuned here on the winners.
 */
import type { PlanEntry } from "../evaluate/evaluation-plan";
import type { ProtocolName } from "../evaluate/evaluation-protocol";
import {
  type EvaluationData,
  runEvaluationTask,
  SplitCache,
  type EvaluationTask,
  type EvaluationTaskResult,
  type SavedTrialOutcome,
  type SeedTask,
} from "../evaluate/evaluation-task";
import { inProcessTrialRunner, trialLabel, type TrialRunner } from "../evaluate/tune-plan";
import { loadRecommender, type ModelName } from "../models/model-spec";
import type { ProgressBars } from "./progress-bars";
import { WorkerPool } from "./worker-pool";

/** Rough relative fitting cost, so the longest trials start first. */
const TRIAL_COST: Record<ModelName, number> = {
  ease: 4,
  "implicit-als": 3,
  factorized: 2,
  blend: 2,
  "item-knn": 1,
  cleora: 1,
  popularity: 0,
};

/** Executes tasks in-process (`workers` = 1) or on `workers` threads. */
export class EvaluationExecutor {
  /** Splits computed in this thread (validation for tuning). */
  readonly splits: SplitCache;
  private readonly pool: WorkerPool<EvaluationTask, unknown> | undefined;

  constructor(
    data: EvaluationData,
    workers: number,
    private readonly bars: ProgressBars,
  ) {
    this.splits = new SplitCache(data);
    if (workers > 1) this.pool = new WorkerPool(new URL("./evaluation-worker.ts", import.meta.url), workers, data);
  }

  /** Runs one seed task. */
  async run(task: SeedTask): Promise<EvaluationTaskResult<SeedTask>> {
    if (!this.pool) {
      await yieldToEventLoop();
      return runEvaluationTask(task, this.splits, (label, done, total) => this.bars.step(label, done, total));
    }
    return (await this.pool.run(task, (lane, label, done, total) =>
      this.bars.step(label, done, total, lane),
    )) as EvaluationTaskResult<SeedTask>;
  }

  /** A trial runner for `tunePlan` on the validation split of `splitSeed`. */
  trialRunner(protocol: ProtocolName, splitSeed: number, k: number): TrialRunner {
    const pool = this.pool;
    if (!pool) {
      return inProcessTrialRunner(this.splits.validation(protocol, splitSeed), {
        k,
        onTrial: (label, done, total) => {
          this.bars.startOverall("tuning", total);
          this.bars.overall(done, label);
        },
        fitProgress: (label, done, total) => this.bars.step(label, done, total),
      });
    }
    return async (entries: readonly PlanEntry[]) => {
      const order = entries.map((_, i) => i).sort((a, b) => TRIAL_COST[entries[b]!.spec.model] - TRIAL_COST[entries[a]!.spec.model]);
      this.bars.startOverall("tuning", entries.length);
      let done = 0;
      const outcomes = new Array<SavedTrialOutcome>(entries.length);
      await Promise.all(
        order.map(async (i) => {
          const entry = entries[i]!;
          outcomes[i] = (await pool.run({ kind: "trial", protocol, splitSeed, entry, k }, (lane, label, d, total) =>
            this.bars.step(label, d, total, lane),
          )) as SavedTrialOutcome;
          this.bars.overall(++done, trialLabel(entry));
        }),
      );
      return outcomes.map((o) => ({ ndcg: o.ndcg, map: o.map, fitSeconds: o.fitSeconds, model: loadRecommender(o.saved) }));
    };
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await this.pool?.close();
  }
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
