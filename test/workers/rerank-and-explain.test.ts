/** The re-rank stage: business caps bind exploration picks too; picks keep their slot otherwise. */
import { describe, expect, it } from "vitest";
import { FlatVectorIndex } from "../../shared/vector-index/flat-vector-index";
import type { Candidate } from "../../workers/candidates/candidate";
import { FallbackLog } from "../../workers/fallbacks/fallback-log";
import { rerankAndExplain } from "../../workers/rerank/rerank-and-explain";
import { buildRerankRules } from "../../workers/rerank/rerank-pipeline";

const session = { recent: [], seen: [], hidden: [], interactionCount: 0 };

/** 6 Action items, then 10 items over 5 other categories (scores descending), then one exploration pick. */
function fixture(pick: Partial<Candidate>): { candidates: Candidate[]; scores: number[] } {
  const exploit: Candidate[] = Array.from({ length: 16 }, (_, i) => ({
    itemId: `x${i}`,
    source: "ann",
    retrievalScore: 1,
    category: i < 6 ? "Action" : ["Drama", "Comedy", "Sci-Fi", "War", "Western"][(i - 6) % 5]!,
    sponsored: false,
  }));
  const candidates: Candidate[] = [
    ...exploit,
    { itemId: "pick", source: "exploration", retrievalScore: 0, category: "Horror", sponsored: false, ...pick },
  ];
  return { candidates, scores: candidates.map((_, i) => 100 - i) };
}

async function run(
  pick: Partial<Candidate>,
  rules = buildRerankRules([
    { rule: "category_cap", max: 3, window: 10 },
    { rule: "sponsored_cap", max: 0, window: 10 },
  ]),
) {
  const { candidates, scores } = fixture(pick);
  const result = await rerankAndExplain({
    n: 10,
    candidates,
    scores,
    exploitOrder: candidates.map((_, i) => i).filter((i) => candidates[i]!.source !== "exploration"),
    explorationPicks: [candidates.length - 1],
    session,
    userRecord: null,
    rules,
    nowSeconds: 0,
    index: new FlatVectorIndex({ dimensions: 2, metric: "dot-product", metadataIndexes: {} }),
    fallbacks: new FallbackLog(),
  });
  return { ids: result.order.map((i) => candidates[i]!.itemId), categories: result.order.map((i) => candidates[i]!.category), result };
}

describe("rerankAndExplain", () => {
  it("keeps an exploration pick that breaks no cap in its slot (never the first)", async () => {
    const { ids, categories, result } = await run({});
    expect(ids.indexOf("pick")).toBe(5);
    expect(categories.filter((c) => c === "Action")).toHaveLength(3);
    expect(result.reasons.get(16)?.code).toBe("exploring_category");
  });

  it("moves a pick that would exceed the category cap out of the top n", async () => {
    const { ids, categories } = await run({ category: "Action" });
    expect(categories.filter((c) => c === "Action")).toHaveLength(3);
    expect(ids).not.toContain("pick");
  });

  it("moves a sponsored pick out when sponsored items are capped", async () => {
    const { ids } = await run({ sponsored: true });
    expect(ids).not.toContain("pick");
    expect(ids).toHaveLength(10);
  });
});
