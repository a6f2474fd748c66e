/**
 * What `retrain` decides from: the time-cut split (what users discovered after the serving release
 * was trained is held out; users with events on both sides are compared), the serving release
 * scored as published (its vectors, its popular list for users it lacks, unknown items never
 * recommended), and the verdict (tolerance, too few users, --force).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { decide } from "../../../pipeline/commands/run-retrain";
import { IdIndex } from "../../../pipeline/data/id-index";
import { buildInteractionMatrix, rowIndices } from "../../../pipeline/data/interaction-matrix";
import { loadReleaseRecommender } from "../../../pipeline/release/release-recommender";
import { timeCutSplit, timeQuantile } from "../../../pipeline/split/time-cut-split";

const quality = (ndcg: number) => ({ k: 10, users: 50, ndcg, recall: ndcg, hitRate: ndcg });

describe("timeCutSplit", () => {
  it("holds out what was discovered after the cut and compares users with events on both sides", () => {
    // user 0: items 0 (t=1), 1 (t=5); user 1: item 2 (t=6) only; user 2: item 0 (t=2) only.
    const matrix = buildInteractionMatrix(
      { rows: 3, cols: 3 },
      { rows: [0, 0, 1, 2], cols: [0, 1, 2, 0], confidence: [1, 1, 1, 1], timestamps: [1, 5, 6, 2] },
    );
    const split = timeCutSplit(matrix, 3);
    expect([...rowIndices(split.train, 0)]).toEqual([0]);
    expect([...rowIndices(split.test, 0)]).toEqual([1]);
    expect([...rowIndices(split.test, 1)]).toEqual([2]);
    expect([...rowIndices(split.train, 2)]).toEqual([0]);
    expect([...split.testUsers]).toEqual([0]);
    expect(timeQuantile(matrix, 0.5)).toBe(5);
  });
});

describe("decide", () => {
  const options = { force: false, tolerance: 0.05, minUsers: 20 };
  it("publishes a challenger within the tolerance and refuses one below it unless forced", () => {
    expect(decide(options, quality(0.1), quality(0.096), 50).verdict).toBe("publish");
    expect(decide(options, quality(0.1), quality(0.094), 50)).toMatchObject({ verdict: "refused" });
    expect(decide({ ...options, force: true }, quality(0.1), quality(0.094), 50).verdict).toBe("publish_forced");
  });
  it("needs enough users for a verdict, and publishes the first release", () => {
    expect(decide(options, quality(0.1), quality(0.2), 5).reason).toMatch(/only 5 users/);
    expect(decide(options, quality(0.1), quality(0.2), 5).verdict).toBe("refused");
    expect(decide(options, null, quality(0), 0).verdict).toBe("publish");
    // A release serves but its folder is not here: never a blind publish without --force.
    expect(decide(options, null, quality(0.2), 50, "als-x")).toMatchObject({
      verdict: "refused",
      reason: expect.stringMatching(/not kept here/),
    });
    expect(decide({ ...options, force: true }, null, quality(0.2), 50, "als-x").verdict).toBe("publish_forced");
  });
});

let folder: string | undefined;
afterEach(async () => {
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe("loadReleaseRecommender", () => {
  it("scores with the published vectors, falls back to the popular list, never recommends unknown items", async () => {
    folder = await mkdtemp(join(tmpdir(), "release-"));
    await writeFile(
      join(folder, "manifest.json"),
      JSON.stringify({ modelVersion: "r1", dimensions: 2, files: { vectors: "v.ndjson", kvBulk: "kv.json", items: "i.json" } }),
    );
    await writeFile(
      join(folder, "v.ndjson"),
      ['{"id":"a","values":[1,0]}', '{"id":"b","values":[0,1]}', '{"id":"c","values":[0.5,0.5]}'].join("\n"),
    );
    await writeFile(
      join(folder, "kv.json"),
      JSON.stringify([
        { key: "user:u1", value: JSON.stringify({ vector: [0, 2], history: [], activity: 1, modelVersion: "r1" }) },
        {
          key: "popular:all",
          value: JSON.stringify({
            generatedAt: "",
            items: [
              { itemId: "c", score: 9, category: "x" },
              { itemId: "a", score: 1, category: "x" },
            ],
          }),
        },
      ]),
    );
    const model = await loadReleaseRecommender(folder, new IdIndex(["u1", "u2"]), new IdIndex(["a", "b", "c", "new-item"]));
    expect(model.name).toBe("r1");
    expect(model.recommend(0, 4).map((r) => r.index)).toEqual([1, 2, 0]);
    expect(model.recommend(0, 4, [1]).map((r) => r.index)).toEqual([2, 0]);
    expect(model.recommend(1, 4).map((r) => r.index)).toEqual([2, 0]);
  });
});
