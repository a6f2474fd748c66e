/**
 * A multilayer-perceptron ranker and its ONNX export: input `features` float32 [batch, F]
 * (dynamic batch) → (Gemm → Relu) per hidden layer → Gemm → Sigmoid → output `score` [batch], the
 * same I/O contract as the logistic ranker, so the sidecar serves either. The project trains only
 * the logistic ranker today; {@link seededMlpRanker} builds an MLP with deterministic weights so
 * the sidecar's batching benchmark runs on a realistically sized model.
 */
import { createRng } from "../../shared/math/random";
import { encodeRankerModel, floatTensor, graphNode, RANKER_IO } from "./onnx-ranker-model";

/** One dense layer: `out = in · weights + bias`, weights row-major `[inputs, outputs]`. */
export interface DenseLayer {
  inputs: number;
  outputs: number;
  /** `inputs × outputs` values, row-major. */
  weights: number[];
  /** `outputs` values. */
  bias: number[];
}

/** An MLP ranker: ReLU after every layer but the last, sigmoid after the last (one output). */
export interface MlpRankerModel {
  kind: "mlp";
  layers: DenseLayer[];
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

/** The reference score of one row (float64 arithmetic), in (0, 1). */
export function scoreMlp(model: MlpRankerModel, row: ArrayLike<number>): number {
  let activations = Array.from(row);
  model.layers.forEach((layer, l) => {
    const next = layer.bias.slice();
    for (let i = 0; i < layer.inputs; i++) {
      const x = activations[i]!;
      for (let o = 0; o < layer.outputs; o++) next[o]! += x * layer.weights[i * layer.outputs + o]!;
    }
    activations = l < model.layers.length - 1 ? next.map((v) => Math.max(0, v)) : next;
  });
  return 1 / (1 + Math.exp(-activations[0]!));
}

/** Serialises `model` as an ONNX ModelProto. Throws when layer shapes do not chain from F to 1. */
export function mlpRankerToOnnx(model: MlpRankerModel): Uint8Array {
  checkShapes(model);
  const nodes: ReturnType<typeof graphNode>[] = [];
  const initializers: ReturnType<typeof floatTensor>[] = [];
  let current: string = RANKER_IO.input;
  model.layers.forEach((layer, l) => {
    const last = l === model.layers.length - 1;
    initializers.push(
      floatTensor(`W${l}`, [layer.inputs, layer.outputs], layer.weights),
      floatTensor(`B${l}`, [layer.outputs], layer.bias),
    );
    const dense = last ? "logit" : `dense${l}`;
    nodes.push(graphNode("Gemm", [current, `W${l}`, `B${l}`], dense, `gemm${l}`));
    current = dense;
    if (!last) {
      nodes.push(graphNode("Relu", [current], `relu${l}`));
      current = `relu${l}`;
    }
  });
  return encodeRankerModel({
    graphName: "mlp_ranker",
    features: model.featureNames.length,
    nodes,
    initializers,
    featureSpecHash: model.featureSpecHash,
    modelVersion: model.modelVersion,
    featureNames: model.featureNames,
    metadata: { layer_widths: [model.featureNames.length, ...model.layers.map((layer) => layer.outputs)].join(",") },
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
  if (model.layers.length === 0 || width !== 1) throw new Error(`an MLP ranker ends in one output; this one ends in ${width}`);
}
