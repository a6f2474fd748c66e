/**
 * Repeated ratings of one (user, item) pair merge into one interaction (their counts add up);
 * this records how many were merged so the load report says so instead of hiding it.
 */
import type { InteractionMatrix } from "./interaction-matrix";
import type { LoadIssueLog } from "./load-issue-log";

/** Notes in `issues` when some pairs were rated more than once; returns the number of extra ratings. */
export function reportMergedRatings(interactions: InteractionMatrix, file: string, issues: LoadIssueLog): number {
  let extra = 0;
  let pairs = 0;
  for (let e = 0; e < interactions.counts.length; e++) {
    if (interactions.counts[e]! > 1) {
      extra += interactions.counts[e]! - 1;
      pairs++;
    }
  }
  if (extra > 0) issues.note(`${file}: ${extra} repeated rating(s) of ${pairs} (user, item) pair(s) merged into one interaction each`);
  return extra;
}
