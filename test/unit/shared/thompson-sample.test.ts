import { describe, expect, it } from "vitest";
import { armName, armPosterior, decayArm, parseArmName } from "../../../shared/bandits/beta-arm";
import { thompsonSample } from "../../../shared/bandits/thompson-sample";
import { createRng } from "../../../shared/math/random";
import { sampleBeta } from "../../../shared/math/sample-beta";
import { sampleGamma } from "../../../shared/math/sample-gamma";
import { decayFactor } from "../../../shared/realtime/decay-factor";

function moments(draw: () => number, n: number): { mean: number; variance: number } {
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: squares / n - mean * mean };
}

describe("Gamma and Beta sampling (Marsaglia–Tsang)", () => {
  it.each([0.3, 1, 2.5, 40])("Gamma(%f) has mean and variance equal to its shape", (shape) => {
    const rng = createRng(23);
    const { mean, variance } = moments(() => sampleGamma(shape, rng), 40_000);
    expect(mean).toBeCloseTo(shape, shape > 10 ? 0 : 1);
    expect(variance / shape).toBeGreaterThan(0.93);
    expect(variance / shape).toBeLessThan(1.07);
  });

  it("Beta(2, 5) has mean 2/7 and variance αβ/((α+β)²(α+β+1))", () => {
    const rng = createRng(23);
    const { mean, variance } = moments(() => sampleBeta(2, 5, rng), 40_000);
    expect(mean).toBeCloseTo(2 / 7, 2);
    expect(variance).toBeCloseTo(10 / (49 * 8), 3);
  });

  it("is reproducible for a seed and rejects bad shapes", () => {
    const a = createRng(5);
    const b = createRng(5);
    expect(Array.from({ length: 5 }, () => sampleBeta(1, 3, a))).toEqual(Array.from({ length: 5 }, () => sampleBeta(1, 3, b)));
    expect(() => sampleGamma(0, a)).toThrow(RangeError);
  });
});

describe("thompsonSample", () => {
  it("plays an arm as often as it is the best one under the posterior", () => {
    // θa ~ U(0, 1), θb ~ Beta(3, 1): P(θa > θb) = E[1 − θb] = 1/4.
    const rng = createRng(23);
    let aWins = 0;
    const pulls = 8000;
    for (let i = 0; i < pulls; i++) {
      const [best] = thompsonSample(
        [
          { id: "a", alpha: 1, beta: 1 },
          { id: "b", alpha: 3, beta: 1 },
        ],
        rng,
      );
      if (best!.id === "a") aWins++;
    }
    expect(aWins / pulls).toBeGreaterThan(0.23);
    expect(aWins / pulls).toBeLessThan(0.27);
  });

  it("returns every arm once, ordered by its draw, the same way for the same seed", () => {
    const arms = [
      { id: 1, alpha: 1, beta: 20 },
      { id: 2, alpha: 20, beta: 1 },
      { id: 3, alpha: 2, beta: 2 },
    ];
    const draws = thompsonSample(arms, createRng(7));
    expect(draws.map((d) => d.id).sort()).toEqual([1, 2, 3]);
    expect(draws[0]!.id).toBe(2);
    expect(draws.map((d) => d.sample)).toEqual([...draws.map((d) => d.sample)].sort((x, y) => y - x));
    expect(thompsonSample(arms, createRng(7))).toEqual(draws);
  });
});

describe("Beta arms", () => {
  it("turns decayed evidence into a posterior", () => {
    expect(armPosterior({ successes: 2, trials: 10 })).toEqual({ alpha: 3, beta: 9 });
    expect(armPosterior({ successes: 3, trials: 1 }, { alpha: 2, beta: 1 })).toEqual({ alpha: 5, beta: 1 });
    const halved = decayArm({ arm: "category:Drama", successes: 2, trials: 10 }, 7 * 86_400_000, 7 * 86_400_000);
    expect(halved).toEqual({ arm: "category:Drama", successes: 1, trials: 5 });
  });

  it("names arms by kind", () => {
    expect(armName("category", "Sci-Fi")).toBe("category:Sci-Fi");
    expect(parseArmName("source:fresh")).toEqual({ kind: "source", name: "fresh" });
    expect(parseArmName("category:a:b")).toEqual({ kind: "category", name: "a:b" });
    expect(parseArmName("bogus")).toBeNull();
  });

  it("decays by half per half-life, forward for negative ages", () => {
    expect(decayFactor(10, 10)).toBe(0.5);
    expect(decayFactor(-10, 10)).toBe(2);
    expect(decayFactor(123, 0)).toBe(1);
  });
});
