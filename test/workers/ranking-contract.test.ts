/**
 * The ranker contract (test/contracts/ranker-contract.ts) against every implementation, inside
 * workerd: the sidecar (a live process on loopback, started by test/support/live-sidecar-setup.ts,
 * behind its circuit breaker as in production), the light ranker (its model put in KV here) and
 * retrieval order.
 */
import { env } from "cloudflare:workers";
import { beforeAll, inject } from "vitest";
import { kvKeys } from "../../shared/artifacts/kv-keys";
import { FEATURE_SPEC } from "../../shared/features/feature-spec";
import { scoreLinear } from "../../shared/ranking/linear-ranker";
import { CircuitBreaker } from "../../workers/ranking/circuit-breaker";
import { withCircuitBreaker } from "../../workers/ranking/circuit-breaker-ranker";
import { createLightRanker } from "../../workers/ranking/light";
import { retrievalOrderRanker } from "../../workers/ranking/retrieval-order";
import { createSidecarRanker } from "../../workers/ranking/sidecar";
import { rankerContract } from "../contracts/ranker-contract";

const lightModel = {
  ...inject("rankerModel"),
  modelVersion: "light-contract-v1",
  weights: Array.from({ length: FEATURE_SPEC.size }, (_, i) => [1.1, 0.7, 0.2, -0.1, -0.4, 0.05][i] ?? 0.1 * ((i % 3) - 1)),
  bias: -0.5,
};

beforeAll(async () => {
  await env.KV.put(kvKeys.lightRanker, JSON.stringify(lightModel));
});

rankerContract("sidecar (live, behind its circuit breaker)", "sidecar", () => {
  const model = inject("rankerModel");
  return {
    ranker: withCircuitBreaker(
      createSidecarRanker({ baseUrl: inject("rankerUrl"), token: env.RANKER_TOKEN, timeoutMs: 10_000 }),
      new CircuitBreaker(),
    ),
    expectedScores: (rows) => rows.map((row) => scoreLinear(model, row)),
    readsFeatures: true,
  };
});

rankerContract("light (model from KV)", "light", () => ({
  ranker: createLightRanker({ kv: env.KV, cacheTtlMs: 0 }),
  expectedScores: (rows) => rows.map((row) => scoreLinear(lightModel, row)),
  readsFeatures: true,
}));

rankerContract("retrieval order", "retrieval_order", () => ({
  ranker: retrievalOrderRanker,
  expectedScores: (rows) => rows.map((_, i) => 1 - i / rows.length),
  readsFeatures: { notApplicable: "retrieval order reads no features and has no model: it keeps the candidates' order" },
}));
