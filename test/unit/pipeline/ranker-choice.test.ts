/**
 * The multi-objective ranker's inputs and the choice between it and the logistic ranker: each
 * pair's objectives read from the event log (and carried to worker threads as masks), the
 * examples' per-objective targets, and the choice — the MLP when it orders held-back candidates
 * better (an interaction a linear model cannot express), the logistic ranker when it does not.
 */
import { describe, expect, it } from "vitest";
import { FEATURE_NAMES } from "../../../shared/features/feature-spec";
import { createRng } from "../../../shared/math/random";
import { EventLogBuilder } from "../../../pipeline/data/event-log";
import { fitAndChooseRanker, MIN_HEAD_POSITIVES, MLP_MIN_GAIN, mlpTrainingData } from "../../../pipeline/ranking/choose-ranker";
import { objectiveLabels, objectiveLabelsFromMasks, objectiveMasks } from "../../../pipeline/ranking/objective-labels";
import { buildRankerExamples, type RankerExampleGroup } from "../../../pipeline/ranking/ranker-examples";
import { fixedModel, matrix } from "./fixed-model";

describe("objective labels", () => {
  const log = new EventLogBuilder();
  log.push(0, 1, "click", 1);
  log.push(0, 1, "like", 2);
  log.push(0, 2, "rating", 3, 4);
  log.push(0, 3, "rating", 4, 3);
  log.push(1, 0, "purchase", 5);
  log.push(1, 2, "complete", 6, 0.9);
  const labels = objectiveLabels(log.finish(), 4);

  it("marks likes, completions and ratings of 4+ as engagement and purchases as purchases", () => {
    expect(labels.present).toEqual(["click", "engage", "purchase"]);
    expect(labels.mask(0, 1)).toBe(2);
    expect(labels.mask(0, 2)).toBe(2);
    expect(labels.mask(0, 3)).toBe(0);
    expect(labels.mask(1, 0)).toBe(4);
    expect(labels.mask(1, 2)).toBe(2);
    expect(labels.mask(1, 3)).toBe(0);
  });

  it("survives the trip to a worker thread as masks over the interaction matrix", () => {
    const pairs = matrix(2, 4, [
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 0],
      [1, 2],
    ]);
    const back = objectiveLabelsFromMasks(pairs, structuredClone(objectiveMasks(labels, pairs)));
    expect(back.present).toEqual(labels.present);
    for (let u = 0; u < 2; u++) for (let i = 0; i < 4; i++) expect(back.mask(u, i)).toBe(labels.mask(u, i));
  });

  it("labels a held-out candidate's heads in the examples; click is the label itself", () => {
    const train = matrix(2, 4, [
      [0, 0],
      [1, 1],
    ]);
    const test = matrix(2, 4, [
      [0, 1],
      [0, 3],
    ]);
    const retrieval = fixedModel([
      [0, 9, 8, 7],
      [0, 0, 0, 0],
    ]);
    const [group] = buildRankerExamples(
      {
        retrieval,
        split: { train, test, testUsers: Int32Array.of(0) },
        catalog: { items: [0, 1, 2, 3].map(() => ({ releasedAt: 0, sponsored: false })) },
        objectives: labels,
      },
      { candidates: 3 },
    );
    expect(Array.from(group!.items)).toEqual([1, 2, 3]);
    expect(Array.from(group!.targets!.click!)).toEqual([1, 0, 1]);
    // (0, 2) was rated 4 but is not held out: no label, no engagement.
    expect(Array.from(group!.targets!.engage!)).toEqual([1, 0, 0]);
    expect(Array.from(group!.targets!.purchase!)).toEqual([0, 0, 0]);
  });
});

const A = FEATURE_NAMES.indexOf("category_affinity");
const B = FEATURE_NAMES.indexOf("recent_similarity_max");

/** Users with 30 candidates of random rows; `pick(row)` says which are hits; engage on half the hits. */
function groups(count: number, seed: number, pick: (row: number[]) => boolean): RankerExampleGroup[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, (_, user) => {
    const rows = Array.from({ length: 30 }, () => FEATURE_NAMES.map(() => rng.next()));
    const labels = Uint8Array.from(rows, (row) => (pick(row) && rng.next() < 0.8 ? 1 : 0));
    const engage = Uint8Array.from(labels, (label, j) => (label === 1 && rows[j]![A]! > 0.5 ? 1 : 0));
    return {
      user,
      items: Int32Array.from(rows, (_, j) => j),
      rows,
      labels,
      relevant: Int32Array.from(rows.flatMap((_, j) => (labels[j] === 1 ? [j] : []))),
      targets: { click: labels, engage },
    };
  });
}

describe("choosing the sidecar's ranker", () => {
  it("keeps the MLP when the hits follow an interaction a linear model cannot express (XOR)", () => {
    const xor = (row: number[]) => row[A]! > 0.5 !== row[B]! > 0.5;
    const choice = fitAndChooseRanker(groups(300, 1, xor), groups(80, 2, xor), { seed: 5 });
    expect(choice.mlp?.objectives).toEqual(["click", "engage"]);
    expect(choice.quality.mlp!.valueNdcg).toBeGreaterThan(choice.quality.logistic.valueNdcg * 1.2);
    expect(choice.chosen).toBe("mlp");
  });

  it("keeps the logistic ranker when the MLP does not beat it by the margin", () => {
    const linear = (row: number[]) => row[A]! + row[B]! > 1.2;
    const choice = fitAndChooseRanker(groups(300, 3, linear), groups(80, 4, linear), { seed: 5 });
    expect(choice.quality.logistic.ndcg).toBeGreaterThan(choice.quality.retrieval.ndcg);
    expect(choice.quality.mlp).not.toBeNull();
    expect(choice.quality.mlp!.valueNdcg).toBeLessThanOrEqual(choice.quality.logistic.valueNdcg * (1 + MLP_MIN_GAIN));
    expect(choice.chosen).toBe("logistic");
  });

  it("fits the logistic ranker alone when asked, and gives a head only to objectives with enough hits", () => {
    const few = groups(40, 6, (row) => row[A]! > 0.5).map((group, g) => ({
      ...group,
      targets: { ...group.targets, purchase: Uint8Array.from(group.labels, (label, j) => (g === 0 && j < 2 ? label : 0)) },
    }));
    expect(fitAndChooseRanker(few, few, { mlp: false })).toMatchObject({ mlp: null, chosen: "logistic" });
    const data = mlpTrainingData(few, 0.2, 1);
    expect(Object.keys(data.targets).sort()).toEqual(["click", "engage"]);
    expect(data.targets.engage!.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(MIN_HEAD_POSITIVES);
  });
});
