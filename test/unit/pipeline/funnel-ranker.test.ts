/**
 * The offline funnel: candidate rows carry the user's category affinity from training history,
 * the re-ranked recommender orders retrieval candidates by a row scorer (stable on ties), and the
 * logistic ranker learns the feature that separates picks from misses.
 */
import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../../../shared/features/feature-spec";
import { createRng } from "../../../shared/math/random";
import { fixedModel, matrix } from "./fixed-model";
import { fitLinearRanker, RankerTrainingDataError } from "../../../pipeline/ranking/fit-linear-ranker";
import { CandidateRowBuilder, type RankerExampleGroup } from "../../../pipeline/ranking/ranker-examples";
import { RerankedRecommender } from "../../../pipeline/ranking/reranked-recommender";

const AFFINITY = FEATURE_NAMES.indexOf("category_affinity");
const SCORE = FEATURE_NAMES.indexOf("retrieval_score");

/** Items 0–2 are "a", 3–5 are "b"; all released at t = 0. */
const items = [0, 1, 2, 3, 4, 5].map((i) => ({ releasedAt: 0, sponsored: false, category: i < 3 ? "a" : "b" }));

describe("offline funnel", () => {
  // u0 trained on items 0 (a) and 3 (b) and 1 (a): affinity a = 2/3, b = 1/3.
  const train = matrix(2, 6, [
    [0, 0],
    [0, 3],
    [0, 1],
    [1, 4],
  ]);
  const retrieval = fixedModel([
    [0, 0, 1, 0, 5, 4],
    [3, 2, 1, 0, 0, 9],
  ]);

  it("builds rows whose category affinity is the share of the user's training items", () => {
    const rows = new CandidateRowBuilder(train, items).rows(0, retrieval.recommend(0, 3, [0, 1, 3]));
    expect(rows.map((row) => row[AFFINITY])).toEqual([1 / 3, 1 / 3, 2 / 3]);
    expect(rows.map((row) => row[SCORE])).toEqual([5, 4, 1]);
  });

  it("re-orders the retrieval candidates by the scorer, retrieval order breaking ties", () => {
    const funnel = new RerankedRecommender(retrieval, train, items, (row) => row[AFFINITY]!, 10);
    expect(funnel.recommend(0, 3, [0, 1, 3]).map((r) => r.index)).toEqual([2, 4, 5]);
    expect(funnel.recommend(1, 2, [4]).map((r) => r.index)).toEqual([5, 3]);
  });

  it("learns a positive weight for the feature that marks the picks, and refuses groups without any", () => {
    const rng = createRng(23);
    const groups: RankerExampleGroup[] = Array.from({ length: 40 }, (_, user) => {
      const rows = Array.from({ length: 20 }, () => FEATURE_NAMES.map(() => rng.next()));
      const labels = Uint8Array.from(rows, (row) => (row[AFFINITY]! > 0.7 ? 1 : 0));
      return { user, items: Int32Array.from(rows, (_, j) => j), rows, labels, relevant: new Int32Array() };
    });
    const fit = fitLinearRanker(groups, { seed: 7, negativeSampleRate: 1 });
    const weights = fit.model.weights;
    expect(weights[AFFINITY]).toBeGreaterThan(5);
    for (let j = 0; j < weights.length; j++) if (j !== AFFINITY) expect(Math.abs(weights[j]!)).toBeLessThan(weights[AFFINITY]! / 3);
    const none = groups.map((group) => ({ ...group, labels: new Uint8Array(group.labels.length) }));
    expect(() => fitLinearRanker(none)).toThrow(RankerTrainingDataError);
  });
});
