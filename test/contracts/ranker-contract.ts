/**
 * The contract every `Ranker` (workers/ranking/ranker.ts) meets, as one suite run against each
 * implementation (test/workers/ranking-contract.test.ts): one finite score per row in row order,
 * equal to the implementation's reference scores; nothing for no rows; the same answer twice; and,
 * for rankers that read features, typed `rejected` errors for rows built with another feature
 * spec or of the wrong width. A case that does not apply is skipped with the stated reason.
 */
import { describe, expect, it } from "vitest";
import { buildFeatureRow, FEATURE_SPEC } from "../../shared/features/feature-spec";
import { createRng } from "../../shared/math/random";
import { RANKER_NAMES, type RankerName } from "../../shared/ranking/ranker-name";
import { RankerError, type Ranker } from "../../workers/ranking/ranker";

/** One implementation under test. */
export interface RankerContractSubject {
  ranker: Ranker;
  /** The scores the ranker must give `rows`, computed independently of it. */
  expectedScores(rows: number[][]): number[];
  /** `true` when the ranker scores features (with a model); otherwise why the feature checks do not apply. */
  readsFeatures: true | { notApplicable: string };
}

/** Candidate rows for one request, from a fixed seed, built by the shared feature spec. */
export function contractRows(count: number, seed = 23): number[][] {
  const rng = createRng(seed);
  const nowSeconds = Date.UTC(2026, 0, 1) / 1000;
  return Array.from({ length: count }, (_, rank) =>
    buildFeatureRow({
      retrievalScore: rng.next() * 1.2 - 0.1,
      retrievalRank: rank,
      itemPopularity: rng.int(5000),
      itemReleasedAt: nowSeconds - rng.int(20 * 365) * 86_400,
      itemSponsored: rng.next() < 0.1,
      userActivity: rng.int(300),
      nowSeconds,
    }),
  );
}

async function rankerError(promise: Promise<unknown>): Promise<RankerError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RankerError);
  return error as RankerError;
}

/**
 * Registers the contract for one ranker.
 *
 * @example
 * rankerContract("light", "light", async () => ({ ranker: createLightRanker({ kv }), expectedScores: (rows) => rows.map((row) => scoreLinear(model, row)), readsFeatures: true }));
 */
export function rankerContract(
  label: string,
  name: RankerName,
  subject: () => RankerContractSubject | Promise<RankerContractSubject>,
): void {
  describe(`Ranker contract: ${label}`, () => {
    const rows = contractRows(40);

    it("is named after its place in the fallback ladder", async () => {
      const { ranker } = await subject();
      expect(RANKER_NAMES).toContain(ranker.name);
      expect(ranker.name).toBe(name);
    });

    it("gives one finite score per row, in row order, equal to its reference", async () => {
      const { ranker, expectedScores } = await subject();
      const result = await ranker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
      expect(result.scores).toHaveLength(rows.length);
      expect(result.scores.every(Number.isFinite)).toBe(true);
      const expected = expectedScores(rows);
      result.scores.forEach((score, i) => {
        expect(score).toBeCloseTo(expected[i]!, 5);
      });
    });

    it("gives no scores for no rows", async () => {
      const { ranker } = await subject();
      expect((await ranker.rank({ rows: [], featureSpecHash: FEATURE_SPEC.hash })).scores).toEqual([]);
    });

    it("gives the same scores to the same request", async () => {
      const { ranker } = await subject();
      const first = await ranker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
      const second = await ranker.rank({ rows, featureSpecHash: FEATURE_SPEC.hash });
      expect(second.scores).toEqual(first.scores);
      expect(second.modelVersion).toEqual(first.modelVersion);
    });

    it("names the model version that scored, when it has a model", async (ctx) => {
      const { ranker, readsFeatures } = await subject();
      if (readsFeatures !== true) ctx.skip(readsFeatures.notApplicable);
      const { modelVersion } = await ranker.rank({ rows: rows.slice(0, 3), featureSpecHash: FEATURE_SPEC.hash });
      expect(modelVersion).toEqual(expect.any(String));
      expect(modelVersion!.length).toBeGreaterThan(0);
    });

    it("refuses rows built with another feature spec (RankerError rejected)", async (ctx) => {
      const { ranker, readsFeatures } = await subject();
      if (readsFeatures !== true) ctx.skip(readsFeatures.notApplicable);
      const error = await rankerError(ranker.rank({ rows: rows.slice(0, 3), featureSpecHash: "00000000" }));
      expect(error.reason).toBe("rejected");
    });

    it("refuses a row of the wrong width (RankerError rejected)", async (ctx) => {
      const { ranker, readsFeatures } = await subject();
      if (readsFeatures !== true) ctx.skip(readsFeatures.notApplicable);
      const error = await rankerError(ranker.rank({ rows: [...rows.slice(0, 2), [0.5, 1]], featureSpecHash: FEATURE_SPEC.hash }));
      expect(error.reason).toBe("rejected");
    });
  });
}
