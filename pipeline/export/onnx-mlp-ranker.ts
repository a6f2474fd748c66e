/**
 * A multilayer-perceptron ranker, its reference scorer and its ONNX export. The network is a
 * shared trunk (Gemm → Relu per hidden layer) and a last dense layer with one logit per head; a
 * multi-objective model names its heads ({@link RankerHead}: objective and business weight) and
 * scores Σ w·σ(logit) / Σ w (`combineObjectives`), a single-head model scores σ(logit). The export
 * keeps the ranker I/O contract (input `features` float32 [batch, F], output `score` [batch]), so
 * the sidecar serves it like the logistic ranker; `precision: "float16"` writes half-precision
 * weights for GPU providers (float32 in and out, Cast inside the graph). The pipeline trains it with
 * `fitMlpRanker` (pipeline/ranking/fit-mlp-ranker.ts); {@link seededMlpRanker} builds one with
 * deterministic weights for the sidecar's batching benchmark.
 */
import { createRng } from "../../shared/math/random";
import { combineObjectives, type RankingObjective } from "../../shared/ranking/ranking-objectives";
import { castNode, encodeRankerModel, float16Tensor, floatTensor, graphNode, RANKER_IO } from "./onnx-ranker-model";

/** One dense layer: `out = in · weights + bias`, weights row-major `[inputs, outputs]`. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** `inputs × outputs` values, row-major. */
  weights: number[];
  /** `outputs` values. */
  bias: number[];
}

/** One output of a multi-objective ranker: the probability of `objective`, counted with `weight` in the score. */
export interface RankerHead {
  objective: RankingObjective;
  weight: number;
}

/**
 * An MLP ranker: ReLU after every layer but the last; the last has one output per head. Without
 * `heads` it has one output and scores its sigmoid; with `heads` (in output order) it scores the
 * heads' probabilities combined by their weights.
 */
export interface MlpRankerModel {
  kind: "mlp";
  layers: DenseLayer[];
  heads?: RankerHead[];
  featureNames: readonly string[];
  featureSpecHash: string;
  modelVersion: string;
}

/** Options of {@link seededMlpRanker}. */
export interface SeededMlpRankerOptions {
  featureNames: readonly string[];
  featureSpecHash: string;
  modelVersion?: string;
  /** Hidden layer widths (default `[64, 64]`). */
  hidden?: number[];
  /** Seed of the weights (default 23). */
  seed?: number;
}

const seededDefaults = { modelVersion: "mlp-seeded", hidden: [64, 64], seed: 23 } satisfies Partial<SeededMlpRankerOptions>;

/**
 * An MLP with He-initialised weights from a fixed seed: equal options give an identical model.
 *
 * @example
 * const model = seededMlpRanker({ featureNames: FEATURE_SPEC.names, featureSpecHash: FEATURE_SPEC.hash });
 * await writeFile("ranker.onnx", mlpRankerToOnnx(model)); // 6 → 64 → 64 → 1
 */
export function seededMlpRanker(options: SeededMlpRankerOptions): MlpRankerModel {
  const { featureNames, featureSpecHash, modelVersion, hidden, seed } = { ...seededDefaults, ...options };
  const rng = createRng(seed);
  const widths = [featureNames.length, ...hidden, 1];
  const layers = widths.slice(1).map((outputs, i): DenseLayer => {
    const inputs = widths[i]!;
    const scale = Math.sqrt(2 / inputs);
    return {
      inputs,
      outputs,
      weights: Array.from({ length: inputs * outputs }, () => Math.fround(rng.normal() * scale)),
      bias: Array.from({ length: outputs }, () => Math.fround(rng.normal() * 0.01)),
    };
  });
  return { kind: "mlp", layers, featureNames, featureSpecHash, modelVersion };
}

/** The probability of each head for one row (float64 arithmetic), in head order (one value for a single-head model). */
export function scoreMlpHeads(model: MlpRankerModel, row: ArrayLike<number>): number[] {
  let activations = Array.from(row);
  model.layers.forEach((layer, l) => {
    const next = layer.bias.slice();
    for (let i = 0; i < layer.inputs; i++) {
      const x = activations[i]!;
      if (x === 0) continue;
      for (let o = 0; o < layer.outputs; o++) next[o]! += x * layer.weights[i * layer.outputs + o]!;
    }
    activations = l < model.layers.length - 1 ? next.map((v) => Math.max(0, v)) : next;
  });
  return activations.map((logit) => 1 / (1 + Math.exp(-logit)));
}

/**
 * The reference score of one row (float64 arithmetic), in (0, 1): the sigmoid of a single-head
 * model's output, or the heads' probabilities combined by `combineObjectives` with the heads' weights.
 */
export function scoreMlp(model: MlpRankerModel, row: ArrayLike<number>): number {
  const probabilities = scoreMlpHeads(model, row);
  const { heads } = model;
  if (heads === undefined) return probabilities[0]!;
  return combineObjectives(
    Object.fromEntries(heads.map((head, h) => [head.objective, probabilities[h]!])),
    Object.fromEntries(heads.map((head) => [head.objective, head.weight])),
  );
}

/** Options of {@link mlpRankerToOnnx}. */
export interface MlpRankerOnnxOptions {
  /**
   * Precision of the weights and the trunk's arithmetic (default `float32`). `float16` halves the
   * file and lets GPU providers run the Gemms in half precision: the graph casts the float32 input
   * to float16, and the head logits back to float32 before the sigmoid and the weighted sum, so the
   * I/O contract and the score's resolution stay float32.
   */
  precision?: "float32" | "float16";
}

/**
 * Serialises `model` as an ONNX ModelProto: (Gemm → Relu)* → Gemm to one logit per head →
 * Sigmoid → MatMul by the normalised head weights [H, 1] (Σ w·p / Σ w) → `score`. A single-head
 * model without `heads` ends Gemm → Sigmoid as before. Metadata adds `layer_widths`, `precision`
 * and, with heads, `objectives` and `objective_weights`. Throws when layer shapes do not chain from
 * F to one output per head, or the heads' weights cannot be combined.
 */
export function mlpRankerToOnnx(model: MlpRankerModel, options: MlpRankerOnnxOptions = {}): Uint8Array {
  const precision = options.precision ?? "float32";
  checkShapes(model);
  const { heads } = model;
  const tensor = precision === "float16" ? float16Tensor : floatTensor;
  const nodes: ReturnType<typeof graphNode>[] = [];
  const initializers: ReturnType<typeof floatTensor>[] = [];
  let current: string = RANKER_IO.input;
  if (precision === "float16") {
    nodes.push(castNode(current, "features_f16", "float16"));
    current = "features_f16";
  }
  const logits = heads === undefined ? "logit" : "logits";
  model.layers.forEach((layer, l) => {
    const last = l === model.layers.length - 1;
    initializers.push(tensor(`W${l}`, [layer.inputs, layer.outputs], layer.weights), tensor(`B${l}`, [layer.outputs], layer.bias));
    const dense = !last ? `dense${l}` : precision === "float16" ? `${logits}_f16` : logits;
    nodes.push(graphNode("Gemm", [current, `W${l}`, `B${l}`], dense, `gemm${l}`));
    current = dense;
    if (!last) {
      nodes.push(graphNode("Relu", [current], `relu${l}`));
      current = `relu${l}`;
    }
  });
  if (precision === "float16") nodes.push(castNode(current, logits, "float32"));
  const metadata: Record<string, string> = {
    layer_widths: [model.featureNames.length, ...model.layers.map((layer) => layer.outputs)].join(","),
    precision,
  };
  if (heads !== undefined) {
    const total = heads.reduce((sum, head) => sum + head.weight, 0);
    nodes.push(
      graphNode("Sigmoid", [logits], "head_probs", "head_sigmoid"),
      graphNode("MatMul", ["head_probs", "head_weights"], "prob", "combine_objectives"),
    );
    initializers.push(
      floatTensor(
        "head_weights",
        [heads.length, 1],
        heads.map((head) => head.weight / total),
      ),
    );
    metadata.objectives = heads.map((head) => head.objective).join(",");
    metadata.objective_weights = heads.map((head) => head.weight).join(",");
  }
  return encodeRankerModel({
    graphName: "mlp_ranker",
    features: model.featureNames.length,
    nodes,
    ends: heads === undefined ? "logit" : "probability",
    initializers,
    featureSpecHash: model.featureSpecHash,
    modelVersion: model.modelVersion,
    featureNames: model.featureNames,
    metadata,
  });
}

function checkShapes(model: MlpRankerModel): void {
  let width = model.featureNames.length;
  model.layers.forEach((layer, l) => {
    if (layer.inputs !== width || layer.weights.length !== layer.inputs * layer.outputs || layer.bias.length !== layer.outputs) {
      throw new Error(
        `MLP layer ${l} does not fit: expected ${width} inputs, got ${layer.inputs} inputs, ${layer.weights.length} weights, ${layer.bias.length} biases for ${layer.outputs} outputs`,
      );
    }
    width = layer.outputs;
  });
  const { heads } = model;
  if (heads === undefined) {
    if (model.layers.length === 0 || width !== 1) throw new Error(`an MLP ranker ends in one output; this one ends in ${width}`);
    return;
  }
  if (model.layers.length === 0 || width !== heads.length) {
    throw new Error(`an MLP ranker ends in one output per head (${heads.length}); this one ends in ${width}`);
  }
  if (new Set(heads.map((head) => head.objective)).size !== heads.length) {
    throw new Error(`an MLP ranker's heads name distinct objectives; got ${heads.map((head) => head.objective).join(", ")}`);
  }
  // combineObjectives refuses what cannot be combined (a negative or non-finite weight, a zero total).
  combineObjectives(
    Object.fromEntries(heads.map((head) => [head.objective, 0])),
    Object.fromEntries(heads.map((head) => [head.objective, head.weight])),
  );
}
