/**
 * The A/B arms of one user on one surface under a serving config: every experiment that applies to
 * the surface, assigned deterministically (assign-arm.ts). The Worker serves with these arms and
 * credits events to them; the offline report recomputes them from the user id, so both agree.
 */
import type { Surface } from "../events/interaction-event";
import type { ServingConfig } from "../serving/serving-config";
import { assignArm } from "./assign-arm";

/**
 * The arms `userId` is in for `surface`: experiment id → arm name.
 *
 * @example
 * assignArms(parseServingConfig({ experiments: [exp] }), "home", "u1") // → { [exp.id]: "treatment" } (or {} outside the traffic share)
 */
export function assignArms(config: ServingConfig, surface: Surface, userId: string): Record<string, string> {
  const arms: Record<string, string> = {};
  for (const experiment of config.experiments) {
    if (experiment.surfaces && !experiment.surfaces.includes(surface)) continue;
    const arm = assignArm(userId, experiment);
    if (arm !== null) arms[experiment.id] = arm;
  }
  return arms;
}
