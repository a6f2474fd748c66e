/**
 * The units of work of an evaluation, as plain data so they can run in worker threads: evaluate
 * the whole plan on one seed's split, or fit and score one tuning trial on the validation split.
 * `runEvaluationTask` executes either against the dataset's interaction matrices.
 */
import type { InteractionMatrix } from "../data/interaction-matrix";
import type { FitProgress } from "../models/model-spec";
import type { SavedModel } from "../models/saved-model";
import { objectiveLabelsFromMasks, type ObjectiveMasks } from "../ranking/objective-labels";
import type { RankerItemInfo, RankerUserProfiles } from "../ranking/ranker-examples";
import { type InteractionSplit, withNegatives } from "../split/interaction-split";
import { evaluatePlan, type ModelRun } from "./evaluate-plan";
import type { EvaluationPlan, PlanEntry } from "./evaluation-plan";
import { PROTOCOLS, type ProtocolName } from "./evaluation-protocol";
import { runTrial } from "./tune-plan";

/** Evaluate every model of `plan` on the split of `seed`. */
export interface SeedTask {
  kind: "seed";
  protocol: ProtocolName;
  seed: number;
  plan: EvaluationPlan;
  k: number;
  /** Item side information; when given, the `funnel` row is evaluated too. */
  funnelItems?: RankerItemInfo[];
  /** User demographics for the funnel's feature rows. */
  funnelProfiles?: RankerUserProfiles;
  /** What each pair of the data reached (engagement, purchase): the funnel MLP's heads. */
  funnelObjectives?: ObjectiveMasks;
}

/** Fit and score one tuning trial on the validation split of `splitSeed`'s training part. */
export interface TrialTask {
  kind: "trial";
  protocol: ProtocolName;
  splitSeed: number;
  entry: PlanEntry;
  k: number;
}

/** Any task. */
export type EvaluationTask = SeedTask | TrialTask;

/** A seed's results. */
export interface SeedOutcome {
  seed: number;
  testUsers: number;
  runs: Record<string, ModelRun>;
  seconds: number;
}

/** A trial's scores and its fitted model, saved so it can cross a thread boundary. */
export interface SavedTrialOutcome {
  ndcg: number;
  map: number;
  fitSeconds: number;
  saved: SavedModel;
}

/** Result type of each task kind. */
export type EvaluationTaskResult<T extends EvaluationTask> = T extends SeedTask ? SeedOutcome : SavedTrialOutcome;

/** What an evaluation splits: the positive pairs, and the negative evidence that joins each split. */
export interface EvaluationData {
  interactions: InteractionMatrix;
  /** Pairs of net negative evidence (absent or empty: none). */
  negatives?: InteractionMatrix;
}

/** Splits are deterministic per protocol and seed; a worker computes each once. */
export class SplitCache {
  private readonly splits = new Map<string, InteractionSplit>();

  constructor(private readonly data: EvaluationData) {}

  /** The whole data's positive pairs (what objective masks are aligned with). */
  get interactions(): InteractionMatrix {
    return this.data.interactions;
  }

  /** The test split of `seed` (positives split by the protocol, negatives placed by its rule). */
  test(protocol: ProtocolName, seed: number): InteractionSplit {
    return this.memo(`test:${protocol}:${seed}`, () => {
      const rule = PROTOCOLS[protocol];
      return withNegatives(rule.split(this.data.interactions, seed), this.data.negatives, rule.negatives);
    });
  }

  /** The validation split carved out of the training part of `seed`'s test split (with its training negatives). */
  validation(protocol: ProtocolName, seed: number): InteractionSplit {
    return this.memo(`validation:${protocol}:${seed}`, () => {
      const rule = PROTOCOLS[protocol];
      const test = this.test(protocol, seed);
      return withNegatives(rule.validation(test.train, seed), test.trainNegatives, rule.negatives);
    });
  }

  private memo(key: string, make: () => InteractionSplit): InteractionSplit {
    let split = this.splits.get(key);
    if (!split) {
      split = make();
      this.splits.set(key, split);
    }
    return split;
  }
}

/** Runs one task. */
export function runEvaluationTask<T extends EvaluationTask>(task: T, splits: SplitCache, progress?: FitProgress): EvaluationTaskResult<T> {
  switch (task.kind) {
    case "seed": {
      const start = performance.now();
      const split = splits.test(task.protocol, task.seed);
      const runs = evaluatePlan(task.plan, split, {
        k: task.k,
        seed: task.seed,
        ...(task.funnelItems
          ? {
              funnel: {
                validation: splits.validation(task.protocol, task.seed),
                items: task.funnelItems,
                ...(task.funnelProfiles ? { profiles: task.funnelProfiles } : {}),
                ...(task.funnelObjectives ? { objectives: objectiveLabelsFromMasks(splits.interactions, task.funnelObjectives) } : {}),
              },
            }
          : {}),
        ...(progress
          ? { onModel: (key: string, i: number, n: number) => progress(`seed ${task.seed}: ${key}`, i, n), fitProgress: progress }
          : {}),
      });
      const outcome: SeedOutcome = {
        seed: task.seed,
        testUsers: split.testUsers.length,
        runs,
        seconds: (performance.now() - start) / 1000,
      };
      return outcome as EvaluationTaskResult<T>;
    }
    case "trial": {
      const outcome = runTrial(task.entry, splits.validation(task.protocol, task.splitSeed), new Map(), task.k, progress);
      const saved: SavedTrialOutcome = {
        ndcg: outcome.ndcg,
        map: outcome.map,
        fitSeconds: outcome.fitSeconds,
        saved: outcome.model.save(),
      };
      return saved as EvaluationTaskResult<T>;
    }
    default:
      return task satisfies never;
  }
}
