/**
 * The offline report of the A/B experiments in a serving config, computed from the event log:
 * per arm users, impressions, clicks, conversions, CTR and conversion per impression with 95 %
 * Wilson intervals, catalogue coverage, category diversity of the impressed lists (when item
 * categories are known), a two-proportion z-test of each arm's CTR against the first arm (the
 * control), and the guardrails that the log can check. The live report
 * (workers/experiments/experiment-report.ts) adds what only the edge sees: empty lists, latency.
 */
import type { InteractionEvent } from "../../shared/events/interaction-event";
import { type ProportionEstimate, wilsonInterval } from "../../shared/experiments/wilson-interval";
import { intraListDiversity } from "../../shared/metrics/intra-list-diversity";
import type { ServingConfig } from "../../workers/config/serving-config";
import { type ArmTally, type ExperimentTally, tallyExperimentArms } from "./tally-experiment-arms";
import { twoProportionZTest } from "./two-proportion-z-test";

/** Options of {@link buildExperimentReport}. */
export interface ExperimentReportOptions {
  /** Item id → category; without it category diversity is not reported. */
  categories?: ReadonlyMap<string, string>;
  /** z of the Wilson intervals (1.96 ≈ 95 %). */
  z: number;
  /** Significance level of the tests and guardrails. */
  alpha: number;
}

/** Defaults: 95 % intervals, α = 0.05. */
export const EXPERIMENT_REPORT_DEFAULTS = { z: 1.96, alpha: 0.05 } as const satisfies ExperimentReportOptions;

/** A guardrail verdict; `not_computable` when the event log cannot tell. */
export type GuardrailVerdict = "pass" | "fail" | "no_data" | "not_computable";

/** One arm of the offline report. */
export interface OfflineArmReport {
  arm: string;
  users: number;
  impressions: number;
  clicks: number;
  conversions: number;
  ctr: ProportionEstimate;
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
  ctr_vs_control?: { lift: number | null; z: number; p_value: number; significant: boolean };
  /** Conversion rate against the control (absent on the control). */
  conversion_vs_control?: { lift: number | null; z: number; p_value: number; significant: boolean };
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
  notes.push("z-tests treat impressions as independent; clicks cluster by user, so p-values are optimistic (read them with the users column)");
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
  const arms = [...tally.arms].map(([name, arm]) => armSection(name, arm, catalogueItems, opts));
  const control = arms[0]!;
  const controlTally = tally.arms.get(control.arm)!;
  for (const arm of arms.slice(1)) {
    const armTally = tally.arms.get(arm.arm)!;
    arm.ctr_vs_control = comparison(armTally.clicks, armTally.impressions, controlTally.clicks, controlTally.impressions, opts.alpha);
    arm.conversion_vs_control = comparison(armTally.conversions, armTally.impressions, controlTally.conversions, controlTally.impressions, opts.alpha);
    const conversion: GuardrailVerdict =
      armTally.impressions === 0 || controlTally.impressions === 0
        ? "no_data"
        : arm.conversion_vs_control.significant && arm.conversion_rate.value < control.conversion_rate.value
          ? "fail"
          : "pass";
    arm.guardrails = { conversion_rate: conversion, empty_rate: "not_computable", latency_p99: "not_computable" };
  }
  const { id, traffic, surfaces } = tally.experiment;
  return { experiment: id, traffic, surfaces: surfaces ?? "all", control: control.arm, arms, unattributed: { ...tally.unattributed } };
}

function armSection(name: string, arm: ArmTally, catalogueItems: number, opts: ExperimentReportOptions): OfflineArmReport {
  const diversity = opts.categories ? categoryDiversity([...arm.lists.values()], opts.categories) : null;
  return {
    arm: name,
    users: arm.users.size,
    impressions: arm.impressions,
    clicks: arm.clicks,
    conversions: arm.conversions,
    ctr: wilsonInterval(arm.clicks, arm.impressions, opts.z),
    conversion_rate: wilsonInterval(arm.conversions, arm.impressions, opts.z),
    coverage: catalogueItems > 0 ? arm.impressedItems.size / catalogueItems : 0,
    items_impressed: arm.impressedItems.size,
    lists: arm.lists.size,
    category_diversity: diversity?.diversity ?? null,
    categories_per_list: diversity?.perList ?? null,
  };
}

function comparison(successes: number, trials: number, controlSuccesses: number, controlTrials: number, alpha: number) {
  const { z, pValue } = twoProportionZTest({ successes, trials }, { successes: controlSuccesses, trials: controlTrials });
  const armRate = trials > 0 ? successes / trials : 0;
  const controlRate = controlTrials > 0 ? controlSuccesses / controlTrials : 0;
  return { lift: controlRate > 0 && trials > 0 ? armRate / controlRate - 1 : null, z, p_value: pValue, significant: pValue < alpha };
}

/** Category diversity of impressed lists: items without a known category are left out of a list. */
function categoryDiversity(lists: string[][], categories: ReadonlyMap<string, string>): { diversity: number; perList: number } | null {
  const codes = new Map<string, number>();
  const coded = lists
    .map((items) =>
      items.flatMap((item) => {
        const category = categories.get(item);
        if (category === undefined) return [];
        if (!codes.has(category)) codes.set(category, codes.size);
        return [codes.get(category)!];
      }),
    )
    .filter((list) => list.length > 0);
  if (coded.length === 0) return null;
  const perList = coded.reduce((sum, list) => sum + new Set(list).size, 0) / coded.length;
  return { diversity: intraListDiversity(coded, (a, b) => (a === b ? 1 : 0)), perList };
}
