/**
 * Position propensities estimated from the log's randomised responses. In a response whose order was
 * shuffled uniformly at random (`explore:` request ids, `exploration-request.ts`) every position
 * holds the same mix of items, so under the position-based click model (P(click) = θₚ × relevance)
 * the click rate at position p is θₚ × the mean relevance, and rate(p) / rate(0) estimates θₚ / θ₀ —
 * the examination curve relative to the top slot, with no model of relevance at all.
 *
 * Positions with few randomised impressions are noisy, so they take a power law θₚ = (1/(1+p))^η
 * fitted to the well-observed ones (least squares on the log scale, each position weighted by its
 * clicks, the inverse variance of a log rate); the inverse propensities used as weights are clipped
 * at `maxWeight` (θ ≥ 1/maxWeight), the usual variance guard of IPS.
 */
import type { EventType } from "../../shared/events/interaction-event";
import { type EventLog, eventTypeAt } from "../data/event-log";
import { examinationProbability } from "./examination-curve";

/** Options of {@link estimatePositionPropensity}. */
export interface PositionPropensityOptions {
  /** Event types that count as a click: any event the user makes only after looking at the slot. */
  clickTypes: readonly EventType[];
  /** A position with fewer randomised impressions (or no click) takes the fitted power law. */
  minImpressions: number;
  /** Largest inverse-propensity weight (clipping: θ ≥ 1 / maxWeight). */
  maxWeight: number;
}

/** Defaults: clicks and views, 200 impressions per position, weights ≤ 20. */
export const POSITION_PROPENSITY_DEFAULTS = {
  clickTypes: ["click", "view"],
  minImpressions: 200,
  maxWeight: 20,
} as const satisfies PositionPropensityOptions;

/** The estimated examination curve and the counts behind it. */
export interface PositionPropensity {
  /** θ̂ₚ relative to position 0 (θ̂₀ = 1), for every position seen in a randomised response. */
  examination: number[];
  /** rate(p) / rate(0) before smoothing (NaN where position p had no randomised impression). */
  raw: number[];
  /** Randomised impressions per position. */
  impressions: number[];
  /** Clicks (events of `clickTypes`) per position in randomised responses. */
  clicks: number[];
  /** Exponent of the power law fitted to the well-observed positions (used beyond them). */
  eta: number;
  /** Positions estimated from their own counts (the others follow the fit). */
  observedPositions: number[];
  /** Clipping of the weights. */
  maxWeight: number;
}

/** The log has too few randomised impressions to estimate propensities. */
export class PropensityEstimationError extends Error {
  override name = "PropensityEstimationError";
}

/** Estimates θ̂ₚ from the randomised responses of `log`; throws {@link PropensityEstimationError} without enough of them. */
export function estimatePositionPropensity(log: EventLog, options: Partial<PositionPropensityOptions> = {}): PositionPropensity {
  const opts = { ...POSITION_PROPENSITY_DEFAULTS, ...options } satisfies PositionPropensityOptions;
  if (!(opts.maxWeight >= 1)) throw new RangeError(`propensity: maxWeight must be ≥ 1, got ${opts.maxWeight}`);
  const clickTypes = new Set<EventType>(opts.clickTypes);
  const impressions: number[] = [];
  const clicks: number[] = [];
  for (let k = 0; k < log.length; k++) {
    const position = log.positions[k]!;
    if (log.explored[k] !== 1 || position < 0) continue;
    while (impressions.length <= position) {
      impressions.push(0);
      clicks.push(0);
    }
    const type = eventTypeAt(log, k);
    if (type === "impression") impressions[position]!++;
    else if (clickTypes.has(type)) clicks[position]!++;
  }
  const top = { impressions: impressions[0] ?? 0, clicks: clicks[0] ?? 0 };
  if (top.impressions < opts.minImpressions || top.clicks === 0) {
    throw new PropensityEstimationError(
      `inverse propensity weighting needs randomised responses (request ids "explore:…", e.g. generate --position-bias): ` +
        `${top.impressions} randomised impression(s) and ${top.clicks} click(s) at position 0, at least ${opts.minImpressions} and 1 needed`,
    );
  }
  const rate0 = top.clicks / top.impressions;
  const raw = impressions.map((n, p) => (n > 0 ? clicks[p]! / n / rate0 : Number.NaN));
  const observedPositions = raw.map((_, p) => p).filter((p) => impressions[p]! >= opts.minImpressions && clicks[p]! > 0);
  let numerator = 0;
  let denominator = 0;
  for (const p of observedPositions) {
    if (p === 0) continue;
    const x = Math.log(1 + p);
    numerator += clicks[p]! * x * Math.log(raw[p]!);
    denominator += clicks[p]! * x * x;
  }
  const eta = denominator > 0 ? Math.max(0, -numerator / denominator) : 0;
  const observed = new Set(observedPositions);
  const examination = raw.map((value, p) => (observed.has(p) ? value : examinationProbability(p, eta)));
  return { examination, raw, impressions, clicks, eta, observedPositions, maxWeight: opts.maxWeight };
}

/** θ̂ at `position` (beyond the estimated positions: the fitted power law); 1 when the position is unknown (< 0). */
export function propensityAt(propensity: PositionPropensity, position: number): number {
  if (position < 0) return 1;
  return position < propensity.examination.length ? propensity.examination[position]! : examinationProbability(position, propensity.eta);
}

/**
 * The inverse-propensity weight of a click at `position`: min(maxWeight, 1 / θ̂ₚ); 1 for an event
 * logged without a position (nothing to correct).
 * @example inversePropensityWeight(propensity, 0) // → 1 (the top slot is the reference)
 */
export function inversePropensityWeight(propensity: PositionPropensity, position: number): number {
  if (position < 0) return 1;
  return Math.min(propensity.maxWeight, 1 / propensityAt(propensity, position));
}
