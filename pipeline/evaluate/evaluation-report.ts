/**
 * The JSON document `pipeline evaluate` writes (other tools read it; `train` takes its serving
 * model from it). Top level: `dataset`, `protocol`, `seeds`, `models` (per model the mean of
 * every metric over seeds — `MAP`, `nDCG@10`, `Precision@10`, `Recall@10`, `coverage`, `long_tail`,
 * `tail_coverage`, `novelty`, `diversity` — plus `<metric>_std` and timings, all plain numbers), `serving_model`, and the
 * details: how the serving model is served, the tuned hyperparameters, validation trials,
 * published reference rows and per-seed runs.
 */
import type { PositionPropensity } from "../bias/position-propensity";
import type { DatasetEventWeights } from "../data/dataset-event-weights";
import type { ModelSpec } from "../models/model-spec";
import type { ModelRun } from "./evaluate-plan";
import type { EvaluationPlan } from "./evaluation-plan";
import type { EvaluationProtocol } from "./evaluation-protocol";
import type { PublishedRow } from "./published-benchmarks";
import { meanStd } from "./seed-summary";
import type { TuningResult, TuningTrial } from "./tune-plan";

/** Metric columns of the report, in table order. */
export const REPORT_METRICS = [
  "MAP",
  "nDCG",
  "Precision",
  "Recall",
  "coverage",
  "long_tail",
  "tail_coverage",
  "novelty",
  "diversity",
] as const;

/** One of {@link REPORT_METRICS}. */
export type ReportMetric = (typeof REPORT_METRICS)[number];

/** The JSON key of a metric at cut-off k (`nDCG@10`, `MAP`, …). */
export function metricKey(metric: ReportMetric, k: number): string {
  switch (metric) {
    case "nDCG":
    case "Precision":
    case "Recall":
      return `${metric}@${k}`;
    case "MAP":
    case "coverage":
    case "long_tail":
    case "tail_coverage":
    case "novelty":
    case "diversity":
      return metric;
    default:
      return metric satisfies never;
  }
}

const RUN_FIELDS: Record<ReportMetric, (run: ModelRun) => number> = {
  MAP: (run) => run.map,
  nDCG: (run) => run.ndcg,
  Precision: (run) => run.precision,
  Recall: (run) => run.recall,
  coverage: (run) => run.coverage,
  long_tail: (run) => run.longTailShare,
  tail_coverage: (run) => run.longTailCoverage,
  novelty: (run) => run.novelty,
  diversity: (run) => run.diversity,
};

/** The value of `metric` in one run. */
export function runMetric(run: ModelRun, metric: ReportMetric): number {
  return RUN_FIELDS[metric](run);
}

/** How the serving model reaches the edge. */
export interface ServingDescription {
  model: string;
  spec: ModelSpec;
  /** Size of the published user and item vectors. */
  dimensions: number;
  how: string;
}

/** The evaluation document. */
export interface EvaluationReport {
  dataset: string;
  protocol: string;
  protocol_name: string;
  k: number;
  seeds: number[];
  /** Per model: metric means, `<metric>_std`, `users`, `fit_seconds`, `evaluate_seconds`. */
  models: Record<string, Record<string, number>>;
  serving_model: string;
  serving: ServingDescription;
  /** The spec (with tuned hyperparameters) of every model. */
  hyperparameters: Record<string, ModelSpec>;
  /** The plan evaluated (models, how composed ones are built, serving key): `--params` reuses it. */
  plan: EvaluationPlan;
  tuning: {
    validation: string;
    selection_metric: string;
    validation_ndcg: Record<string, number>;
    trials: { model: string; spec: ModelSpec; "nDCG@k": number; MAP: number; fit_seconds: number }[];
    /** The time-boxed ALS search after the base grid (absent in older reports). */
    als_search?: { rounds: number; stopped: string; skipped: number; budget_seconds: number; spent_seconds: number };
  } | null;
  /** Published rows beside ours (MovieLens 100k only). */
  references: Record<string, Record<string, number>>;
  dataset_stats: { users: number; items: number; interactions: number; skipped_lines: number; negative_pairs?: number };
  /** The event-weight table the dataset was aggregated with and its source (absent in older reports). */
  event_weights?: DatasetEventWeights;
  /** With `--ips`: the estimated examination curve the position-logged events were weighted by. */
  inverse_propensity?: { examination: number[]; eta: number; max_weight: number; randomised_impressions: number[] };
  runs: {
    seed: number;
    test_users: number;
    /** Metrics per model; the funnel also says which ranker it used. */
    models: Record<
      string,
      Record<
        string,
        | number
        | {
            chosen: string;
            objectives: string[];
            validation_ndcg_logistic: number;
            validation_ndcg_mlp: number | null;
            validation_value_ndcg_logistic: number;
            validation_value_ndcg_mlp: number | null;
          }
      >
    >;
  }[];
  timing: { total_seconds: number; load_seconds: number; tuning_seconds: number; seed_seconds: number[] };
  generated_at: string;
}

/** Everything {@link buildEvaluationReport} summarises. */
export interface EvaluationInputs {
  dataset: string;
  protocol: EvaluationProtocol;
  k: number;
  plan: EvaluationPlan;
  serving: ServingDescription;
  seeds: { seed: number; testUsers: number; runs: Record<string, ModelRun>; seconds: number }[];
  tuning: { trials: TuningTrial[]; validationNdcg: Record<string, number>; alsSearch?: TuningResult["alsSearch"] } | null;
  references: readonly PublishedRow[];
  datasetStats: EvaluationReport["dataset_stats"];
  eventWeights?: DatasetEventWeights;
  inversePropensity?: PositionPropensity;
  timing: Omit<EvaluationReport["timing"], "seed_seconds">;
  generatedAt: Date;
}

/** Summarises per-seed runs into the report (mean and sample std over seeds). */
export function buildEvaluationReport(inputs: EvaluationInputs): EvaluationReport {
  const { k } = inputs;
  const round = (x: number) => (Number.isFinite(x) ? Number(x.toPrecision(6)) : x);
  const models: EvaluationReport["models"] = {};
  const planKeys = inputs.plan.entries.map((e) => e.key);
  const extraKeys = [...new Set(inputs.seeds.flatMap((s) => Object.keys(s.runs)))].filter((key) => !planKeys.includes(key));
  for (const key of [...planKeys, ...extraKeys]) {
    const runs = inputs.seeds.map((s) => s.runs[key]!).filter(Boolean);
    const row: Record<string, number> = {};
    for (const metric of REPORT_METRICS) row[metricKey(metric, k)] = round(meanStd(runs.map((r) => runMetric(r, metric))).mean);
    for (const metric of REPORT_METRICS) row[`${metricKey(metric, k)}_std`] = round(meanStd(runs.map((r) => runMetric(r, metric))).std);
    row.users = round(meanStd(runs.map((r) => r.users)).mean);
    row.fit_seconds = round(meanStd(runs.map((r) => r.fitSeconds)).mean);
    row.evaluate_seconds = round(meanStd(runs.map((r) => r.evaluateSeconds)).mean);
    models[key] = row;
  }
  const references: EvaluationReport["references"] = {};
  for (const ref of inputs.references) {
    const { model, ...metrics } = ref;
    references[model] = { ...metrics };
  }
  return {
    dataset: inputs.dataset,
    protocol: inputs.protocol.description,
    protocol_name: inputs.protocol.name,
    k,
    seeds: inputs.seeds.map((s) => s.seed),
    models,
    serving_model: inputs.plan.serving,
    serving: inputs.serving,
    hyperparameters: Object.fromEntries(inputs.plan.entries.map((e) => [e.key, e.spec])),
    plan: inputs.plan,
    tuning: inputs.tuning && {
      validation: "validation split carved out of the first seed's training part with the same protocol",
      selection_metric: `nDCG@${k}`,
      validation_ndcg: Object.fromEntries(Object.entries(inputs.tuning.validationNdcg).map(([key, v]) => [key, round(v)])),
      trials: inputs.tuning.trials.map((t) => ({
        model: t.key,
        spec: t.spec,
        "nDCG@k": round(t.ndcg),
        MAP: round(t.map),
        fit_seconds: round(t.fitSeconds),
      })),
      ...(inputs.tuning.alsSearch
        ? {
            als_search: {
              rounds: inputs.tuning.alsSearch.rounds,
              stopped: inputs.tuning.alsSearch.stopped,
              skipped: inputs.tuning.alsSearch.skipped,
              budget_seconds: inputs.tuning.alsSearch.budgetSeconds,
              spent_seconds: round(inputs.tuning.alsSearch.spentSeconds),
            },
          }
        : {}),
    },
    references,
    dataset_stats: inputs.datasetStats,
    ...(inputs.eventWeights ? { event_weights: inputs.eventWeights } : {}),
    ...(inputs.inversePropensity
      ? {
          inverse_propensity: {
            examination: inputs.inversePropensity.examination.map(round),
            eta: round(inputs.inversePropensity.eta),
            max_weight: inputs.inversePropensity.maxWeight,
            randomised_impressions: inputs.inversePropensity.impressions,
          },
        }
      : {}),
    runs: inputs.seeds.map((s) => ({
      seed: s.seed,
      test_users: s.testUsers,
      models: Object.fromEntries(
        Object.entries(s.runs).map(([key, run]) => [
          key,
          {
            ...Object.fromEntries(REPORT_METRICS.map((m) => [metricKey(m, k), round(runMetric(run, m))])),
            fit_seconds: round(run.fitSeconds),
            ...(run.ranker
              ? {
                  ranker: {
                    chosen: run.ranker.chosen,
                    objectives: run.ranker.objectives,
                    validation_ndcg_logistic: round(run.ranker.logisticNdcg),
                    validation_ndcg_mlp: run.ranker.mlpNdcg === null ? null : round(run.ranker.mlpNdcg),
                    validation_value_ndcg_logistic: round(run.ranker.logisticValueNdcg),
                    validation_value_ndcg_mlp: run.ranker.mlpValueNdcg === null ? null : round(run.ranker.mlpValueNdcg),
                  },
                }
              : {}),
          },
        ]),
      ),
    })),
    timing: { ...inputs.timing, seed_seconds: inputs.seeds.map((s) => round(s.seconds)) },
    generated_at: inputs.generatedAt.toISOString(),
  };
}
