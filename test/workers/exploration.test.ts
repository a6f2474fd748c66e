/**
 * Exploration picks and slots as pure logic (seeded, no bindings): Thompson sampling over the
 * category arms follows the evidence, onboarding preferences raise a category's prior, disliked
 * categories and excluded items are never picked, and picks never take the first slot.
 */
import { describe, expect, it } from "vitest";
import { createRng } from "../../shared/math/random";
import type { Candidate } from "../../workers/candidates/candidate";
import { explorationCandidates, type ExplorationInput } from "../../workers/exploration/exploration-candidates";
import { EXPLORATION_DEFAULTS } from "../../workers/exploration/exploration-config";
import { explorationPositions, explorationSlotCount, placeExplorationSlots } from "../../workers/exploration/exploration-slots";

const CATEGORIES = ["Action", "Comedy", "Drama", "Horror"];
const pool = (source: "trending" | "fresh"): Candidate[] =>
  CATEGORIES.flatMap((category) =>
    Array.from({ length: 5 }, (_, i) => ({ itemId: `${source}-${category}-${i}`, source, retrievalScore: 5 - i, category })),
  );

function input(overrides: Partial<ExplorationInput>): ExplorationInput {
  return {
    count: 1,
    pools: { trending: pool("trending"), fresh: pool("fresh") },
    arms: [],
    preferredCategories: [],
    affinity: {},
    exclude: new Set(),
    rng: createRng(23),
    config: EXPLORATION_DEFAULTS,
    ...overrides,
  };
}

/** How often each category is picked over `draws` seeded requests. */
function frequencies(overrides: Partial<ExplorationInput>, draws = 400): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let seed = 0; seed < draws; seed++) {
    const [pick] = explorationCandidates(input({ ...overrides, rng: createRng(seed) }));
    counts[pick!.category!] = (counts[pick!.category!] ?? 0) + 1;
  }
  return counts;
}

describe("explorationCandidates", () => {
  it("tags each pick with its arm and pool and is reproducible for a seed", () => {
    const picks = explorationCandidates(input({ count: 3 }));
    expect(picks).toHaveLength(3);
    expect(new Set(picks.map((pick) => pick.itemId)).size).toBe(3);
    for (const pick of picks) {
      expect(pick.source).toBe("exploration");
      expect(pick.exploration!.arm).toBe(`category:${pick.category}`);
      expect(pick.itemId.startsWith(pick.exploration!.from)).toBe(true);
    }
    expect(explorationCandidates(input({ count: 3 }))).toEqual(picks);
  });

  it("spreads a new user's picks over categories and follows the evidence once there is some", () => {
    const fresh = frequencies({});
    expect(Object.keys(fresh).sort()).toEqual(CATEGORIES);
    const informed = frequencies({
      arms: [
        { arm: "category:Horror", successes: 8, trials: 10 },
        { arm: "category:Action", successes: 0, trials: 10 },
        { arm: "category:Comedy", successes: 0, trials: 10 },
        { arm: "category:Drama", successes: 0, trials: 10 },
      ],
    });
    expect(informed.Horror!).toBeGreaterThan(360);
  });

  it("raises the prior of preferred categories and skips disliked ones and excluded items", () => {
    const preferred = frequencies({ preferredCategories: ["Comedy"] });
    const neutral = frequencies({});
    expect(preferred.Comedy!).toBeGreaterThan(neutral.Comedy! + 40);
    const disliked = frequencies({ affinity: { Drama: -9 } });
    expect(disliked.Drama).toBeUndefined();
    const exclude = new Set([...pool("trending"), ...pool("fresh")].filter((c) => c.category !== "Action").map((c) => c.itemId));
    const picks = explorationCandidates(input({ count: 12, exclude }));
    expect(picks).toHaveLength(10);
    expect(picks.every((pick) => pick.category === "Action")).toBe(true);
  });

  it("prefers the exploration source whose arm has done better", () => {
    let fresh = 0;
    for (let seed = 0; seed < 200; seed++) {
      const [pick] = explorationCandidates(
        input({
          rng: createRng(seed),
          arms: [
            { arm: "source:fresh", successes: 9, trials: 10 },
            { arm: "source:trending", successes: 0, trials: 10 },
          ],
        }),
      );
      if (pick!.exploration!.from === "fresh") fresh++;
    }
    expect(fresh).toBeGreaterThan(190);
  });
});

describe("exploration slots", () => {
  it("gives a share of the slots, rounded down, never the first", () => {
    expect([1, 5, 9, 10, 20, 100].map((n) => explorationSlotCount(n, 0.1))).toEqual([0, 0, 0, 1, 2, 10]);
    expect(explorationSlotCount(10, 0)).toBe(0);
    expect(explorationSlotCount(3, 1)).toBe(2);
    expect(explorationPositions(10, 1)).toEqual([5]);
    expect(explorationPositions(10, 2)).toEqual([3, 7]);
    expect(explorationPositions(2, 1)).toEqual([1]);
  });

  it("places picks at their positions and fills the rest in ranked order", () => {
    const ranked = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    expect(placeExplorationSlots(ranked, ["X"], 10)).toEqual(["a", "b", "c", "d", "e", "X", "f", "g", "h", "i"]);
    expect(placeExplorationSlots(["a", "b"], ["X", "Y"], 10)).toEqual(["a", "b", "X", "Y"]);
    expect(placeExplorationSlots(ranked, [], 3)).toEqual(["a", "b", "c"]);
  });
});
