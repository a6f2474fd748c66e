/**
 * Attributes logged events to experiment arms the way the live counters do: the arm is recomputed
 * from the serving config with `assignArms(config, event surface (default home), user)`, and only
 * events carrying a `request_id` count. Events whose user is outside an experiment (traffic share
 * or surface) are tallied as unattributed for that experiment. Counts are kept per user too: users
 * are the unit the experiment randomises, and the report's tests need each user's rates.
 */
import type { InteractionEvent, Surface } from "../../shared/events/interaction-event";
import { assignArms } from "../../shared/experiments/assign-arms";
import { EXPERIMENT_EVENT_METRIC, type ExperimentEventMetric } from "../../shared/experiments/experiment-event-metric";
import type { ExperimentConfig, ServingConfig } from "../../shared/serving/serving-config";

/** One user's attributed counts in an arm. */
export type UserTally = Record<ExperimentEventMetric, number>;

/** Raw per-arm counts. */
export interface ArmTally {
  /** User id → counts, for every user with at least one attributed event. */
  users: Map<string, UserTally>;
  impressions: number;
  clicks: number;
  conversions: number;
  /** Distinct items with an attributed impression. */
  impressedItems: Set<string>;
  /** request_id → items impressed in that response (for intra-list measures). */
  lists: Map<string, string[]>;
}

/** Counts of one experiment. */
export interface ExperimentTally {
  experiment: ExperimentConfig;
  /** In config order; the first arm is the control. */
  arms: Map<string, ArmTally>;
  /** Attributable events (request_id, counted type) whose user is in no arm of this experiment. */
  unattributed: Record<ExperimentEventMetric, number>;
}

/** Counts of every experiment of a config over one event log. */
export interface ExperimentTallies {
  experiments: ExperimentTally[];
  /** Distinct items in any event of the log (the coverage denominator). */
  catalogueItems: number;
  /** Impressions, clicks and conversions without a request_id (never attributed). */
  withoutRequestId: number;
}

/** Tallies `events` (already deduplicated) for every experiment of `config`. */
export function tallyExperimentArms(events: readonly InteractionEvent[], config: ServingConfig): ExperimentTallies {
  const experiments: ExperimentTally[] = config.experiments.map((experiment) => ({
    experiment,
    arms: new Map(experiment.arms.map((arm) => [arm.name, emptyArmTally()])),
    unattributed: { impressions: 0, clicks: 0, conversions: 0 },
  }));
  const items = new Set<string>();
  const armsCache = new Map<string, Record<string, string>>();
  let withoutRequestId = 0;
  for (const event of events) {
    items.add(event.item_id);
    const metric = EXPERIMENT_EVENT_METRIC[event.type];
    if (metric === null) continue;
    if (!event.request_id) {
      withoutRequestId++;
      continue;
    }
    const surface: Surface = event.context?.surface ?? "home";
    const cacheKey = `${surface}\u0000${event.user_id}`;
    let arms = armsCache.get(cacheKey);
    if (!arms) {
      arms = assignArms(config, surface, event.user_id);
      armsCache.set(cacheKey, arms);
    }
    for (const tally of experiments) {
      const armName = arms[tally.experiment.id];
      const arm = armName === undefined ? undefined : tally.arms.get(armName);
      if (!arm) {
        tally.unattributed[metric]++;
        continue;
      }
      const user = arm.users.get(event.user_id) ?? { impressions: 0, clicks: 0, conversions: 0 };
      user[metric]++;
      arm.users.set(event.user_id, user);
      arm[metric]++;
      if (metric === "impressions") {
        arm.impressedItems.add(event.item_id);
        const list = arm.lists.get(event.request_id) ?? [];
        list.push(event.item_id);
        arm.lists.set(event.request_id, list);
      }
    }
  }
  return { experiments, catalogueItems: items.size, withoutRequestId };
}

function emptyArmTally(): ArmTally {
  return { users: new Map(), impressions: 0, clicks: 0, conversions: 0, impressedItems: new Set(), lists: new Map() };
}
