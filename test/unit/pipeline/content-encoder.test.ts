import { describe, expect, it } from "vitest";
import { fitContentEncoder } from "../../../pipeline/models/content-encoder";
import { contentEncoderModelSchema, encodeItemContent } from "../../../shared/content/content-encoder";
import { contentFeatureCount, contentFeatures, releaseYear, titleTokens } from "../../../shared/content/content-features";
import { createRng } from "../../../shared/math/random";
import { cosineSimilarity } from "../../../shared/math/vector";

const spec = { genres: ["Drama", "Comedy"], decades: { first: 1990, count: 3 }, year: { mean: 2000, std: 10 }, titleBuckets: 4 };

describe("contentFeatures", () => {
  it("builds [bias, genres, decade, year, year known, title buckets]", () => {
    expect(contentFeatureCount(spec)).toBe(1 + 2 + 3 + 2 + 4);
    const row = Array.from(contentFeatures({ genres: ["Drama", "Western"], category: "Comedy", year: 2015 }, spec));
    const g = 1 / Math.sqrt(2);
    expect(row.slice(0, 8)).toEqual([1, g, g, 0, 0, 1, 1.5, 1]);
    expect(row.slice(8)).toEqual([0, 0, 0, 0]);
  });

  it("reads the year from released_at (seconds) and hashes title words with unit total length", () => {
    expect(releaseYear({ released_at: Date.UTC(1994, 5, 1) / 1000 })).toBe(1994);
    expect(releaseYear({ released_at: 0 })).toBeNull();
    expect(titleTokens("The Lord of the Rings: 2")).toEqual(["lord", "rings"]);
    const title = Array.from(contentFeatures({ title: "Silent Harbor" }, spec)).slice(8);
    expect(title.reduce((sum, x) => sum + x * x, 0)).toBeGreaterThan(0);
  });
});

describe("fitContentEncoder", () => {
  // Items whose trained vectors are their genre's centroid plus noise: content explains them.
  const genres = ["Drama", "Comedy", "Horror", "Action"];
  const k = 8;
  const rng = createRng(23);
  const centroids = genres.map(() => Array.from({ length: k }, () => rng.normal()));
  const items = Array.from({ length: 400 }, (_, i) => ({
    title: `Title ${i % 7} word${i % 11}`,
    genres: [genres[i % 4]!, ...(i % 3 === 0 ? [genres[(i + 1) % 4]!] : [])],
    released_at: Date.UTC(1980 + (i % 40), 0, 1) / 1000,
  }));
  const factors = items.flatMap((item) =>
    Array.from(
      { length: k },
      (_, d) =>
        item.genres.reduce((sum, genre, rank) => sum + (rank === 0 ? 1 : 0.5) * centroids[genres.indexOf(genre)]![d]!, 0) +
        0.2 * rng.normal(),
    ),
  );

  it("maps held-out items close to their trained vectors, far better than the mean vector", () => {
    const { model, report } = fitContentEncoder({ items, itemFactors: factors, dimensions: k, modelVersion: "synthetic" });
    expect(report.items).toBe(400);
    expect(report.heldOutItems).toBe(80);
    expect(report.heldOutCosine).toBeGreaterThan(0.9);
    expect(report.heldOutCosine).toBeGreaterThan(report.baselineCosine + 0.3);
    expect(contentEncoderModelSchema.safeParse(JSON.parse(JSON.stringify(model))).success).toBe(true);
    expect(model.metrics?.held_out_cosine).toBeCloseTo(report.heldOutCosine, 5);
  });

  it("encodes a brand-new item of a genre next to that genre's items", () => {
    const { model } = fitContentEncoder({ items, itemFactors: factors, dimensions: k, modelVersion: "synthetic" });
    const horror = encodeItemContent(model, { title: "Never Seen Before", genres: ["Horror"], year: 2001 });
    expect(horror).toHaveLength(k);
    const similarity = genres.map((_, g) => cosineSimilarity(horror, centroids[g]!));
    expect(similarity.indexOf(Math.max(...similarity))).toBe(2);
  });

  it("only fits on eligible items and is deterministic", () => {
    const input = { items, itemFactors: factors, dimensions: k, modelVersion: "synthetic", eligible: (i: number) => i < 200 };
    const a = fitContentEncoder(input);
    expect(a.report.items).toBe(200);
    expect(fitContentEncoder(input).model).toEqual(a.model);
  });
});
