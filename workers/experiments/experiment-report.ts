/**
 * The live report of one experiment: sums every shard's counters per arm and derives CTR and
 * conversion rate per impression, with 95 % intervals that treat the shards as random groups of
 * users (shared/experiments/ratio-delta-test.ts `groupedRatioInterval`: clicks cluster by user, so
 * an interval over independent impressions would be too narrow; never narrower than Wilson's), the empty-list rate and latency
 * p99, catalogue coverage (the shards' HyperLogLog sketches of served item ids, merged, against
 * the vector index's size) and mean category diversity per response, and checks guardrails
 * against the first arm (the control).
 */
import { type ArmCounters, EXPERIMENT_METRICS, EXPERIMENT_SUMS } from "../../shared/experiments/experiment-counters-contract";
import { HyperLogLog } from "../../shared/experiments/hyperloglog";
import { latencyQuantile } from "../../shared/experiments/latency-buckets";
import { groupedRatioInterval, type UserRatioCounts } from "../../shared/experiments/ratio-delta-test";
import type { ProportionEstimate } from "../../shared/experiments/wilson-interval";
import type { ExperimentConfig } from "../../shared/serving/serving-config";
import { vectorIndexFor } from "../services";
import { experimentShards } from "./experiment-counters";

/** Guardrail thresholds relative to the control arm. */
export const GUARDRAILS = {
  /** Latency p99 may grow by at most this factor. */
  latencyP99Factor: 1.2,
  /** The empty-list rate may grow by at most this many points. */
  emptyRateDelta: 0.01,
} as const;

/** One arm in the report. */
export interface ArmReport {
  arm: string;
  counters: ArmCounters["counters"];
  ctr: ProportionEstimate;
  conversion_rate: ProportionEstimate;
  empty_rate: number;
  latency_p99_ms: number | null;
  coverage: {
    /** Distinct served item ids (HyperLogLog estimate, ≈1.6 % relative error; near-exact when small). */
    distinct_items: number;
    /** distinct_items over the vector index's item count (capped at 1); null when the index cannot say. */
    share_of_catalogue: number | null;
  };
  /** Mean over responses with ≥ 2 categorised items of the share of their pairs in different categories; null when none. */
  category_diversity: number | null;
  /** Mean distinct categories over responses with ≥ 1 categorised item; null when none. */
  categories_per_list: number | null;
  /** Guardrail results against the control (absent on the control itself). */
  guardrails?: { latency_p99: "pass" | "fail" | "no_data"; empty_rate: "pass" | "fail" };
}

/** The report of one experiment. */
export interface ExperimentReport {
  experiment: string;
  traffic: number;
  control: string;
  arms: ArmReport[];
}

/** The catalogue size from the vector index, or null when it cannot be read (never fails the report). */
async function catalogueSize(env: Env): Promise<number | null> {
  try {
    const { vectorCount } = await vectorIndexFor(env).describe();
    return Number.isFinite(vectorCount) && vectorCount > 0 ? vectorCount : null;
  } catch {
    return null;
  }
}

/** Sums the shards of `experiment` and builds its report. */
export async function experimentReport(env: Env, experiment: ExperimentConfig): Promise<ExperimentReport> {
  const shards = experimentShards(env);
  const [catalogueItems, snapshots] = await Promise.all([
    catalogueSize(env),
    Promise.all(Array.from({ length: shards }, (_, shard) => env.EXPERIMENT_STATS.getByName(`${experiment.id}#${shard}`).snapshot())),
  ]);
  const totals = new Map<string, Omit<ArmCounters, "sketch"> & { sketch: HyperLogLog; shards: ArmCounters["counters"][] }>();
  for (const arm of experiment.arms) {
    totals.set(arm.name, {
      shards: [],
      counters: Object.fromEntries(EXPERIMENT_METRICS.map((m) => [m, 0])) as ArmCounters["counters"],
      latency: [],
      sums: Object.fromEntries(EXPERIMENT_SUMS.map((m) => [m, 0])) as ArmCounters["sums"],
      sketch: new HyperLogLog(),
    });
  }
  for (const snapshot of snapshots) {
    for (const [arm, counters] of Object.entries(snapshot)) {
      const total = totals.get(arm);
      if (!total) continue;
      for (const metric of EXPERIMENT_METRICS) total.counters[metric] += counters.counters[metric];
      total.shards.push(counters.counters);
      counters.latency.forEach((count, bucket) => {
        total.latency[bucket] = (total.latency[bucket] ?? 0) + count;
      });
      // Shards written before sums and sketches existed have neither.
      for (const sum of EXPERIMENT_SUMS) total.sums[sum] += counters.sums?.[sum] ?? 0;
      if (counters.sketch) total.sketch.merge(HyperLogLog.fromBytes(counters.sketch));
    }
  }
  const arms: ArmReport[] = [...totals].map(([arm, { counters, latency, sums, sketch, shards: perShard }]) => {
    const distinctItems = Math.round(sketch.estimate());
    const byShard = (metric: "clicks" | "conversions"): UserRatioCounts[] =>
      perShard.map((shard) => ({ numerator: shard[metric], denominator: shard.impressions }));
    return {
      arm,
      counters,
      ctr: groupedRatioInterval(byShard("clicks")),
      conversion_rate: groupedRatioInterval(byShard("conversions")),
      empty_rate: counters.requests > 0 ? counters.empty_responses / counters.requests : 0,
      latency_p99_ms: latencyQuantile(latency, 0.99),
      coverage: {
        distinct_items: distinctItems,
        share_of_catalogue: catalogueItems === null ? null : Math.min(1, distinctItems / catalogueItems),
      },
      category_diversity: sums.diversity_lists > 0 ? sums.diversity_sum / sums.diversity_lists : null,
      categories_per_list: sums.categorised_lists > 0 ? sums.categories_sum / sums.categorised_lists : null,
    };
  });
  const control = arms[0]!;
  for (const arm of arms.slice(1)) {
    arm.guardrails = {
      latency_p99:
        arm.latency_p99_ms === null || control.latency_p99_ms === null
          ? "no_data"
          : arm.latency_p99_ms <= control.latency_p99_ms * GUARDRAILS.latencyP99Factor
            ? "pass"
            : "fail",
      empty_rate: arm.empty_rate <= control.empty_rate + GUARDRAILS.emptyRateDelta ? "pass" : "fail",
    };
  }
  return { experiment: experiment.id, traffic: experiment.traffic, control: control.arm, arms };
}
