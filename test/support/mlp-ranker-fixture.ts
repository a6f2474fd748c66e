/**
 * A trained multi-objective MLP ranker for the export and sidecar tests: fitted with the pipeline's
 * `fitMlpRanker` on seeded {@link fixtureRows} whose click, engage and purchase labels follow a
 * known non-linear rule (affinity matters only on the home surface, engagement needs a fresh item,
 * purchases a sponsored one), small enough to train in well under a second.
 */
import type { MlpRankerModel } from "../../pipeline/export/onnx-mlp-ranker";
import { fitMlpRanker } from "../../pipeline/ranking/fit-mlp-ranker";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { createRng } from "../../shared/math/random";
import { fixtureRows } from "./ranker-fixture";

const column = (name: string): number => Math.max(0, FEATURE_SPEC.names.indexOf(name as (typeof FEATURE_SPEC.names)[number]));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Rows and their labels: the training data of {@link trainedMlpFixture}. */
export function mlpFixtureData(count: number, seed = 5) {
  const rows = fixtureRows(count, seed);
  const rng = createRng(seed + 1);
  const click = new Float32Array(count);
  const engage = new Float32Array(count);
  const purchase = new Float32Array(count);
  const [score, affinity, home, recency, sponsored] = [
    "retrieval_score",
    "category_affinity",
    "surface_home",
    "item_recency_30d",
    "item_sponsored",
  ].map(column);
  rows.forEach((row, i) => {
    const pClick = sigmoid(2 * row[score!]! + 3 * row[affinity!]! * row[home!]! - 1.5);
    click[i] = rng.next() < pClick ? 1 : 0;
    engage[i] = click[i] === 1 && rng.next() < sigmoid(4 * row[recency!]! - 1) ? 1 : 0;
    purchase[i] = click[i] === 1 && rng.next() < sigmoid(3 * row[sponsored!]! - 2) ? 1 : 0;
  });
  return { rows, targets: { click, engage, purchase } };
}

/** The fixture MLP: 3 heads (click 1, engage 2, purchase 4), trunk 16 → 8, fixed seed. */
export function trainedMlpFixture(modelVersion = "mlp-fixture-v1"): MlpRankerModel {
  return fitMlpRanker(mlpFixtureData(3000), { hidden: [16, 8], maxEpochs: 12, seed: 11, modelVersion }).model;
}
