/** Serving configuration: defaults, overrides, and clear start-up errors for bad rules. */
import { describe, expect, it } from "vitest";
import { DEFAULT_SERVING_CONFIG, parseServingConfig, ServingConfigError } from "../../../shared/serving/serving-config";
import { servingConfigFromVar } from "../../../workers/config/serving-config";
import { applyRerankRules, buildRerankRules } from "../../../workers/rerank/rerank-pipeline";

const item = (itemId: string, score: number, extra: object = {}) => ({ itemId, score, source: "ann", ...extra });

describe("serving config", () => {
  it("uses the defaults when SERVING_CONFIG is unset or empty", () => {
    expect(servingConfigFromVar(undefined).surfaces.home.n).toBe(DEFAULT_SERVING_CONFIG.surfaces.home.n);
    expect(servingConfigFromVar("  ").surfaces.email.rerank.map((r) => r.rule)).toEqual(["mmr", "category_cap", "sponsored_cap"]);
  });

  it("lets a surface be overridden and fills rule parameters with defaults", () => {
    const config = parseServingConfig({ surfaces: { home: { n: 20, rerank: [{ rule: "category_cap", max: 1 }] } } });
    expect(config.surfaces.home).toEqual({ n: 20, rerank: [{ rule: "category_cap", max: 1, window: 10 }] });
    expect(config.surfaces.email).toEqual(parseServingConfig(undefined).surfaces.email);
  });

  it("rejects an unknown rule name, naming it and the known ones", () => {
    const attempt = () => parseServingConfig({ surfaces: { home: { n: 10, rerank: [{ rule: "shuffle" }] } } });
    expect(attempt).toThrow(ServingConfigError);
    expect(attempt).toThrow(
      /surfaces\.home\.rerank\.0: unknown re-ranking rule "shuffle" \(known: mmr, category_cap, sponsored_cap, fresh_boost\)/,
    );
  });

  it("requires fresh_boost (which re-sorts by score) to come first", () => {
    expect(() => parseServingConfig({ surfaces: { home: { n: 10, rerank: [{ rule: "mmr" }, { rule: "fresh_boost" }] } } })).toThrow(
      /fresh_boost re-sorts by score, so it must be the first rule/,
    );
  });

  it("rejects bad parameters, unknown keys and bad JSON", () => {
    expect(() => parseServingConfig({ surfaces: { home: { n: 10, rerank: [{ rule: "mmr", lambda: 2 }] } } })).toThrow(
      /mmr: .*(<=|less than or equal).*1/i,
    );
    expect(() => parseServingConfig({ surfaces: { home: { n: 10, rerank: [{ rule: "mmr", lamda: 0.5 }] } } })).toThrow(/lamda/);
    expect(() => parseServingConfig({ surfaces: { tv: { n: 1, rerank: [] } } })).toThrow(/tv/);
    expect(() => servingConfigFromVar("{nope")).toThrow(/not valid JSON/);
  });
});

describe("candidate sources in config", () => {
  it("defaults each surface's sources and fills source parameters", () => {
    expect(parseServingConfig(undefined).surfaces.home.sources).toEqual([
      { source: "preferred", top_k: 10, max_activity: 20 },
      { source: "ann", top_k: 100 },
      { source: "session_similar", top_k: 30, items: 3 },
    ]);
    expect(parseServingConfig(undefined).surfaces.more_like_this.sources).toEqual([{ source: "similar", top_k: 100 }]);
    const config = parseServingConfig({
      surfaces: {
        home: {
          n: 10,
          sources: [
            { source: "ann" },
            { source: "fresh", top_k: 5 },
            { source: "trending" },
            { source: "session_similar", items: 5 },
            { source: "preferred", max_activity: 0 },
          ],
          rerank: [],
        },
      },
    });
    expect(config.surfaces.home.sources).toEqual([
      { source: "ann", top_k: 100 },
      { source: "fresh", top_k: 5 },
      { source: "trending", top_k: 50 },
      { source: "session_similar", top_k: 30, items: 5 },
      { source: "preferred", top_k: 10, max_activity: 0 },
    ]);
  });

  it("rejects unknown, repeated and misplaced sources, naming the path", () => {
    const home = (sources: unknown) => () => parseServingConfig({ surfaces: { home: { n: 10, sources, rerank: [] } } });
    expect(home([{ source: "ann" }, { source: "graph" }])).toThrow(
      /surfaces\.home\.sources\.1: unknown candidate source "graph" \(known: ann, similar, session_similar, preferred, trending, fresh\)/,
    );
    expect(home([{ source: "ann" }, { source: "ann" }])).toThrow(/each candidate source may appear once/);
    expect(home([{ source: "ann", top_k: 500 }])).toThrow(/surfaces\.home\.sources\.0\.top_k: ann:/);
    expect(home([{ source: "ann", topK: 5 }])).toThrow(/topK/);
    expect(home([])).toThrow(/surfaces\.home\.sources/);
    expect(home([{ source: "similar" }])).toThrow(/surfaces\.home\.sources\.0: the similar source needs a seed item/);
    expect(() =>
      parseServingConfig({ surfaces: { more_like_this: { n: 10, sources: [{ source: "similar" }, { source: "ann" }], rerank: [] } } }),
    ).not.toThrow();
  });

  it("lets an arm override the sources, and `similar` only in a more_like_this experiment", () => {
    const arms = (sources: unknown) => [
      { name: "control", weight: 1 },
      { name: "wide", weight: 1, overrides: { sources } },
    ];
    const config = parseServingConfig({
      experiments: [
        {
          id: "wide",
          traffic: 1,
          arms: arms([
            { source: "ann", top_k: 50 },
            { source: "trending", top_k: 20 },
          ]),
        },
      ],
    });
    expect(config.experiments[0]!.arms[1]!.overrides.sources).toEqual([
      { source: "ann", top_k: 50 },
      { source: "trending", top_k: 20 },
    ]);
    expect(() => parseServingConfig({ experiments: [{ id: "sim", traffic: 1, arms: arms([{ source: "similar" }]) }] })).toThrow(
      /experiments\.0\.arms\.1\.overrides\.sources\.0: the similar source needs a seed item.*more_like_this/,
    );
    expect(() =>
      parseServingConfig({
        experiments: [{ id: "sim", traffic: 1, surfaces: ["more_like_this"], arms: arms([{ source: "similar" }, { source: "ann" }]) }],
      }),
    ).not.toThrow();
  });
});

describe("rerank pipeline", () => {
  it("applies configured rules in order", () => {
    const rules = buildRerankRules(
      parseServingConfig({
        surfaces: {
          home: {
            n: 4,
            rerank: [
              { rule: "category_cap", max: 1, window: 3 },
              { rule: "sponsored_cap", max: 0, window: 2 },
            ],
          },
        },
      }).surfaces.home.rerank,
    );
    const items = [
      item("a1", 4, { category: "A", sponsored: true }),
      item("a2", 3, { category: "A" }),
      item("b1", 2, { category: "B" }),
      item("c1", 1, { category: "C" }),
    ];
    // category cap: a1, b1, c1, a2; then no sponsored in the top 2: b1, c1, a1, a2
    expect(applyRerankRules(items, rules, { nowSeconds: 0 }).map((i) => i.itemId)).toEqual(["b1", "c1", "a1", "a2"]);
  });

  it("boosts at most `budget` fresh items", () => {
    const now = 1_800_000_000;
    const rules = buildRerankRules([{ rule: "fresh_boost", max_age_days: 10, boost: 1, budget: 1 }]);
    const items = [
      item("old", 3, { releasedAt: now - 100 * 86400 }),
      item("new1", 2.5, { releasedAt: now - 86400 }),
      item("new2", 2.4, { releasedAt: now - 2 * 86400 }),
    ];
    const out = applyRerankRules(items, rules, { nowSeconds: now });
    expect(out.map((i) => [i.itemId, i.score])).toEqual([
      ["new1", 3.5],
      ["old", 3],
      ["new2", 2.4],
    ]);
  });
});

describe("experiments in config", () => {
  const arms = [
    { name: "control", weight: 1 },
    { name: "diverse", weight: 1, overrides: { mmr_lambda: 0.4 } },
  ];

  it("accepts experiments with arms and overrides", () => {
    const config = parseServingConfig({ experiments: [{ id: "mmr-lambda", traffic: 0.2, arms }] });
    expect(config.experiments[0]).toEqual({
      id: "mmr-lambda",
      traffic: 0.2,
      arms: [
        { name: "control", weight: 1, overrides: {} },
        { name: "diverse", weight: 1, overrides: { mmr_lambda: 0.4 } },
      ],
    });
  });

  it("rejects duplicate ids, duplicate arms and unknown overrides", () => {
    expect(() =>
      parseServingConfig({
        experiments: [
          { id: "x", traffic: 1, arms },
          { id: "x", traffic: 1, arms },
        ],
      }),
    ).toThrow(/experiment ids must be unique/);
    expect(() => parseServingConfig({ experiments: [{ id: "x", traffic: 1, arms: [arms[0], arms[0]] }] })).toThrow(
      /arm names must be unique/,
    );
    expect(() =>
      parseServingConfig({ experiments: [{ id: "x", traffic: 1, arms: [{ name: "a", weight: 1, overrides: { colour: "red" } }] }] }),
    ).toThrow(/colour/);
  });
});

describe("config/serving-config.example.json", () => {
  it("is a valid SERVING_CONFIG (what `npm start -- --serving-config` and experiment-report --config are shown with)", async () => {
    const { readFile } = await import("node:fs/promises");
    const raw = JSON.parse(await readFile(new URL("../../../config/serving-config.example.json", import.meta.url), "utf8"));
    const config = parseServingConfig(raw);
    expect(config.experiments.map((experiment) => experiment.id)).toEqual(["home-diversity"]);
    expect(config.surfaces.home.n).toBe(12);
  });
});
