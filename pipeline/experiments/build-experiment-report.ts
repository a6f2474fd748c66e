/**
 * The offline report of the A/B experiments in a serving config, computed from the event log:
 * per arm users, impressions, clicks, conversions, CTR and conversion per impression with 95 %
 * intervals, catalogue coverage, category diversity of the impressed lists (when item categories
 * are known), a test of each arm's CTR and conversion rate against the first arm (the control),
 * and the guardrails that the log can check. The unit of analysis is the user (the unit of
 * randomisation): intervals and tests use the delta method over per-user counts, and p-values are
 * Holm-adjusted across the treatment arms of an experiment, per metric. The live report
 * (workers/experiments/experiment-report.ts) adds what only the edge sees: empty lists, latency.
 */
import type { InteractionEvent } from "../../shared/events/interaction-event";
import type { ProportionEstimate } from "../../shared/experiments/wilson-interval";
import { listCategoryDiversity } from "../../shared/experiments/list-category-diversity";
import type { ServingConfig } from "../../shared/serving/serving-config";
import { type ArmTally, type ExperimentTally, tallyExperimentArms } from "./tally-experiment-arms";
import { holmAdjust } from "./holm-adjust";
import { type RatioEstimate, ratioDeltaEstimate, ratioDeltaInterval, ratioDeltaTest } from "../../shared/experiments/ratio-delta-test";

/** Options of {@link buildExperimentReport}. */
export interface ExperimentReportOptions {
  /** Item id → category; without it category diversity is not reported. */
  categories?: ReadonlyMap<string, string>;
  /** z of the per-arm delta-method intervals (1.96 ≈ 95 %). */
  z: number;
  /** Significance level of the (Holm-adjusted) tests and guardrails. */
  alpha: number;
}

/** Defaults: 95 % intervals, α = 0.05. */
export const EXPERIMENT_REPORT_DEFAULTS = { z: 1.96, alpha: 0.05 } as const satisfies ExperimentReportOptions;

/** A guardrail verdict; `not_computable` when the event log cannot tell. */
export type GuardrailVerdict = "pass" | "fail" | "no_data" | "not_computable";

/** A treatment arm's rate against the control's. */
export interface ArmComparison {
  /** Arm rate / control rate − 1; null when the arm has no impressions or the control rate is 0. */
  lift: number | null;
  /** Delta-method z over users (0 when the variance cannot be estimated). */
  z: number;
  /** Two-sided p-value of this comparison alone. */
  p_value: number;
  /** Holm-adjusted over the experiment's treatment arms for this metric. */
  p_adjusted: number;
  /** p_adjusted < α. */
  significant: boolean;
}

/** One arm of the offline report. */
export interface OfflineArmReport {
  arm: string;
  users: number;
  impressions: number;
  clicks: number;
  conversions: number;
  /** Clicks / impressions with its delta-method (user-clustered) interval, clipped to [0, 1]. */
  ctr: ProportionEstimate;
  /** Conversions / impressions, likewise. */
  conversion_rate: ProportionEstimate;
  /** Distinct items impressed in this arm / distinct items seen anywhere in the log. */
  coverage: number;
  items_impressed: number;
  /** Responses (request ids) with impressions. */
  lists: number;
  /** Mean over responses of the share of impressed item pairs in different categories; null without categories. */
  category_diversity: number | null;
  /** Mean distinct categories per response; null without categories. */
  categories_per_list: number | null;
  /** CTR against the control (absent on the control). */
  ctr_vs_control?: ArmComparison;
  /** Conversion rate against the control (absent on the control). */
  conversion_vs_control?: ArmComparison;
  /** Guardrails against the control (absent on the control). */
  guardrails?: { conversion_rate: GuardrailVerdict; empty_rate: GuardrailVerdict; latency_p99: GuardrailVerdict };
}

/** One experiment of the offline report. */
export interface OfflineExperimentReport {
  experiment: string;
  traffic: number;
  surfaces: string[] | "all";
  control: string;
  arms: OfflineArmReport[];
  /** Attributable events whose user is in no arm of this experiment (outside traffic or surfaces). */
  unattributed: { impressions: number; clicks: number; conversions: number };
}

/** The whole report. */
export interface ExperimentReport {
  events: number;
  /** Distinct items in the log. */
  catalogue_items: number;
  /** Impressions, clicks and conversions without a request_id (not attributable). */
  events_without_request_id: number;
  experiments: OfflineExperimentReport[];
  /** What the report could not compute, and why. */
  notes: string[];
}

/** Builds the report of every experiment in `config` from deduplicated `events`. */
export function buildExperimentReport(
  events: readonly InteractionEvent[],
  config: ServingConfig,
  options: Partial<ExperimentReportOptions> = {},
): ExperimentReport {
  const opts = { ...EXPERIMENT_REPORT_DEFAULTS, ...options } satisfies ExperimentReportOptions;
  const tallies = tallyExperimentArms(events, config);
  const notes = [
    "empty-list rate and latency p99 are not in the event log (an empty response has no impressions); see GET /v1/admin/experiments/:id for the live guardrails",
  ];
  notes.push(
    "the unit of analysis is the user: intervals and tests of CTR and conversion per impression use the delta method over per-user counts (Deng et al. 2018); p-values are Holm-adjusted across an experiment's treatment arms per metric, and `significant` uses the adjusted value",
  );
  if (!opts.categories) notes.push("category diversity skipped: no item categories (pass --items items.ndjson|items.json)");
  if (config.experiments.length === 0) notes.push("the serving config has no experiments");
  return {
    events: events.length,
    catalogue_items: tallies.catalogueItems,
    events_without_request_id: tallies.withoutRequestId,
    experiments: tallies.experiments.map((tally) => experimentSection(tally, tallies.catalogueItems, opts)),
    notes,
  };
}

function experimentSection(tally: ExperimentTally, catalogueItems: number, opts: ExperimentReportOptions): OfflineExperimentReport {
  const armTallies = [...tally.arms];
  const estimates = armTallies.map(([, arm]) => armRatioEstimates(arm));
  const arms = armTallies.map(([name, arm], index) => armSection(name, arm, estimates[index]!, catalogueItems, opts));
  const control = arms[0]!;
  const [controlEstimates, ...treatmentEstimates] = estimates;
  const ctr = compareWithControl(
    treatmentEstimates.map((estimate) => estimate.ctr),
    controlEstimates!.ctr,
    opts.alpha,
  );
  const conversion = compareWithControl(
    treatmentEstimates.map((estimate) => estimate.conversion),
    controlEstimates!.conversion,
    opts.alpha,
  );
  for (const [index, arm] of arms.slice(1).entries()) {
    arm.ctr_vs_control = ctr[index]!;
    arm.conversion_vs_control = conversion[index]!;
    const conversionVerdict: GuardrailVerdict =
      arm.impressions === 0 || control.impressions === 0
        ? "no_data"
        : arm.conversion_vs_control.significant && arm.conversion_rate.value < control.conversion_rate.value
          ? "fail"
          : "pass";
    arm.guardrails = { conversion_rate: conversionVerdict, empty_rate: "not_computable", latency_p99: "not_computable" };
  }
  const { id, traffic, surfaces } = tally.experiment;
  return { experiment: id, traffic, surfaces: surfaces ?? "all", control: control.arm, arms, unattributed: { ...tally.unattributed } };
}

/** An arm's CTR and conversion per impression, each over its users. */
interface ArmRatioEstimates {
  ctr: RatioEstimate;
  conversion: RatioEstimate;
}

function armRatioEstimates(arm: ArmTally): ArmRatioEstimates {
  const users = [...arm.users.values()];
  return {
    ctr: ratioDeltaEstimate(users.map((user) => ({ numerator: user.clicks, denominator: user.impressions }))),
    conversion: ratioDeltaEstimate(users.map((user) => ({ numerator: user.conversions, denominator: user.impressions }))),
  };
}

function armSection(
  name: string,
  arm: ArmTally,
  estimates: ArmRatioEstimates,
  catalogueItems: number,
  opts: ExperimentReportOptions,
): OfflineArmReport {
  const diversity = opts.categories ? categoryDiversity([...arm.lists.values()], opts.categories) : null;
  return {
    arm: name,
    users: arm.users.size,
    impressions: arm.impressions,
    clicks: arm.clicks,
    conversions: arm.conversions,
    ctr: ratioDeltaInterval(estimates.ctr, opts.z),
    conversion_rate: ratioDeltaInterval(estimates.conversion, opts.z),
    coverage: catalogueItems > 0 ? arm.impressedItems.size / catalogueItems : 0,
    items_impressed: arm.impressedItems.size,
    lists: arm.lists.size,
    category_diversity: diversity?.diversity ?? null,
    categories_per_list: diversity?.perList ?? null,
  };
}

/** Each treatment arm's metric against the control's, Holm-adjusted across the treatment arms. */
function compareWithControl(treatments: RatioEstimate[], control: RatioEstimate, alpha: number): ArmComparison[] {
  const tests = treatments.map((treatment) => ratioDeltaTest(treatment, control));
  const adjusted = holmAdjust(tests.map((test) => test.pValue));
  return treatments.map((treatment, index) => ({
    lift: control.ratio > 0 && treatment.denominator > 0 ? treatment.ratio / control.ratio - 1 : null,
    z: tests[index]!.z,
    p_value: tests[index]!.pValue,
    p_adjusted: adjusted[index]!,
    significant: adjusted[index]! < alpha,
  }));
}

/**
 * Category diversity of impressed lists (`listCategoryDiversity`, the live report's definition):
 * items without a known category are left out of a list; the diversity is the mean over lists
 * with at least two categorised items (null when none has), categories per list the mean over
 * lists with at least one; null when no list has a categorised item.
 */
function categoryDiversity(
  lists: string[][],
  categories: ReadonlyMap<string, string>,
): { diversity: number | null; perList: number } | null {
  let diversitySum = 0;
  let diversityLists = 0;
  let distinctSum = 0;
  let categorisedLists = 0;
  for (const items of lists) {
    const { diversity, distinct } = listCategoryDiversity(items.map((item) => categories.get(item)));
    if (distinct === 0) continue;
    distinctSum += distinct;
    categorisedLists++;
    if (diversity !== null) {
      diversitySum += diversity;
      diversityLists++;
    }
  }
  if (categorisedLists === 0) return null;
  return { diversity: diversityLists > 0 ? diversitySum / diversityLists : null, perList: distinctSum / categorisedLists };
}
