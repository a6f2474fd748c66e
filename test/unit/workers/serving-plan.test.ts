/** The serving plan: A/B arms from config, their overrides, and ranker pinning. */
import { describe, expect, it } from "vitest";
import { assignArms } from "../../../shared/experiments/assign-arms";
import { DEFAULT_CANDIDATE_SOURCES, parseServingConfig } from "../../../shared/serving/serving-config";
import type { Ranker } from "../../../workers/ranking/ranker";
import { rankersForArm, servingPlanFor } from "../../../workers/recommend/serving-plan";

const config = parseServingConfig({
  experiments: [
    {
      id: "diversity",
      traffic: 1,
      arms: [
        { name: "control", weight: 1 },
        { name: "diverse", weight: 1, overrides: { mmr_lambda: 0.2 } },
      ],
    },
    { id: "email-only", traffic: 1, surfaces: ["email"], arms: [{ name: "a", weight: 1 }] },
  ],
});
const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);

describe("servingPlanFor", () => {
  it("takes the arm's candidate sources, else the surface's, else the surface default", () => {
    const wide = [
      { source: "ann", top_k: 50 },
      { source: "trending", top_k: 20 },
    ] as const;
    const withSources = parseServingConfig({
      surfaces: { email: { n: 4, sources: [{ source: "ann", top_k: 30 }, { source: "fresh" }], rerank: [] } },
      experiments: [
        {
          id: "sources",
          traffic: 1,
          surfaces: ["home"],
          arms: [
            { name: "control", weight: 1 },
            { name: "wide", weight: 1, overrides: { sources: wide } },
          ],
        },
      ],
    });
    const inArm = (arm: string) => users.find((user) => assignArms(withSources, "home", user).sources === arm)!;
    expect(servingPlanFor(withSources, "home", inArm("wide")).sources).toEqual(wide);
    expect(servingPlanFor(withSources, "home", inArm("control")).sources).toEqual(DEFAULT_CANDIDATE_SOURCES.home);
    expect(servingPlanFor(withSources, "email", inArm("wide")).sources).toEqual([
      { source: "ann", top_k: 30 },
      { source: "fresh", top_k: 20 },
    ]);
    const bare = parseServingConfig({ surfaces: { more_like_this: { n: 5, rerank: [] } } });
    expect(servingPlanFor(bare, "more_like_this", "anyone").sources).toEqual([{ source: "similar", top_k: 100 }]);
  });

  it("assigns every user an arm of each experiment on its surfaces, stably", () => {
    for (const user of users.slice(0, 50)) {
      const arms = assignArms(config, "home", user);
      expect(Object.keys(arms)).toEqual(["diversity"]);
      expect(assignArms(config, "home", user)).toEqual(arms);
      expect(Object.keys(assignArms(config, "email", user))).toEqual(["diversity", "email-only"]);
    }
  });

  it("applies the arm's MMR λ to the surface's mmr rules only for users in that arm", () => {
    const diverse = users.find((user) => assignArms(config, "home", user).diversity === "diverse")!;
    const control = users.find((user) => assignArms(config, "home", user).diversity === "control")!;
    expect(servingPlanFor(config, "home", diverse).overrides).toEqual({ mmr_lambda: 0.2 });
    expect(servingPlanFor(config, "home", control).overrides).toEqual({});
    expect(servingPlanFor(config, "home", diverse).rules.map((rule) => rule.name)).toEqual([
      "fresh_boost",
      "mmr",
      "category_cap",
      "sponsored_cap",
    ]);
  });
});

describe("rankersForArm", () => {
  const chain = (["sidecar", "light"] as const).map((name) => ({ name, rank: async () => ({ scores: [] }) }) satisfies Ranker);
  it("keeps the chain from the pinned ranker down", () => {
    expect(rankersForArm(chain, undefined).map((r) => r.name)).toEqual(["sidecar", "light"]);
    expect(rankersForArm(chain, "light").map((r) => r.name)).toEqual(["light"]);
    expect(rankersForArm(chain, "retrieval_order")).toEqual([]);
  });
});
