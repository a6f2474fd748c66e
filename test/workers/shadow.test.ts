/** Shadow mode: a candidate ranker scores the served candidates in the background; agreement is logged. */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Ranker } from "../../workers/ranking/ranker";
import { recommend } from "../../workers/recommend/recommend";
import { recommendDepsFor } from "../../workers/services";
import { fanOf, seedFixture } from "./fixture";

beforeAll(seedFixture);
afterEach(() => vi.restoreAllMocks());

/** A candidate ranker that scores rows in exactly the reverse of retrieval order. */
const reversed: Ranker = { name: "light", rank: async ({ rows }) => ({ scores: rows.map((_, i) => i) }) };

describe("shadow mode", () => {
  it("logs the shadow ranker's agreement without changing what is served", async () => {
    const logs: string[] = [];
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void logs.push(String(line)));
    const background: Promise<unknown>[] = [];
    const deps = {
      ...recommendDepsFor(env),
      rankers: [],
      exploration: { share: 0 },
      waitUntil: (p: Promise<unknown>) => void background.push(p),
    };
    const request = { requestId: "req-shadow", userId: fanOf(1), n: 5, surface: "home" as const, now: new Date() };

    const plain = await recommend(request, deps);
    const shadowed = await recommend(request, { ...deps, shadowRanker: reversed });
    await Promise.all(background);

    expect(shadowed.items.map((item) => item.item_id)).toEqual(plain.items.map((item) => item.item_id));
    expect(shadowed.ranker).toBe("retrieval_order");
    const line = logs.map((text) => JSON.parse(text)).find((entry) => entry.event === "shadow_ranking");
    expect(line).toMatchObject({
      request_id: "req-shadow",
      live: "retrieval_order",
      shadow: "light",
      overlap_at_k: 0,
      kendall_tau: -1,
      k: 5,
    });
  });
});
