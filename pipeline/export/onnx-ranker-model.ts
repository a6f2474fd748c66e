/**
 * The parts every exported ranker graph shares: input `features` float32 [batch, F] (dynamic
 * batch), a body of nodes ending in one logit per row (then Sigmoid) or in the final probability,
 * then a reshape to `score` [batch]; opset 13, and the feature-spec hash, model version and feature
 * names in metadata_props. The linear and MLP exporters only build their body.
 */
import onnxProto from "onnx-proto";
import { float16Bits } from "./onnx-float16";

const { onnx } = onnxProto;

/** Input and output tensor names of every ranker model this project exports. */
export const RANKER_IO = { input: "features", output: "score" } as const;

/** ONNX opset the exported graphs use (supported by onnxruntime-node and onnxruntime-web). */
const OPSET = 13;

/** A float32 initializer. */
export function floatTensor(name: string, dims: number[], values: ArrayLike<number>) {
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, floatData: Array.from(values) });
}

/** A float16 initializer: each value rounded to half precision, stored as its bit pattern in `int32_data`. */
export function float16Tensor(name: string, dims: number[], values: ArrayLike<number>) {
  return onnx.TensorProto.create({
    name,
    dims,
    dataType: onnx.TensorProto.DataType.FLOAT16,
    int32Data: Array.from(values, float16Bits),
  });
}

/** A graph node. */
export function graphNode(opType: string, input: string[], output: string, name = output) {
  return onnx.NodeProto.create({ opType, input, output: [output], name });
}

/** A Cast node converting `input` to float16 or float32. */
export function castNode(input: string, output: string, to: "float16" | "float32") {
  const { FLOAT16, FLOAT } = onnx.TensorProto.DataType;
  return onnx.NodeProto.create({
    opType: "Cast",
    input: [input],
    output: [output],
    name: output,
    attribute: [{ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: to === "float16" ? FLOAT16 : FLOAT }],
  });
}

/** What a ranker exporter provides. */
export interface RankerGraphBody {
  graphName: string;
  /** Number of input features F. */
  features: number;
  /**
   * Nodes from `RANKER_IO.input` to the float32 tensor named `logit` ([batch, 1]), followed by the
   * shared Sigmoid; or, with `ends: "probability"`, to the float32 tensor named `prob` ([batch, 1])
   * that already is the score.
   */
  nodes: ReturnType<typeof graphNode>[];
  /** Where the body ends (default `logit`). */
  ends?: "logit" | "probability";
  initializers: ReturnType<typeof floatTensor>[];
  featureSpecHash: string;
  modelVersion: string;
  featureNames: readonly string[];
  /** Extra metadata_props. */
  metadata?: Record<string, string>;
}

/** Serialises a ranker graph: the body, then (for a body ending in a logit) sigmoid, and the reshape to [batch]. */
export function encodeRankerModel(body: RankerGraphBody): Uint8Array {
  const graph = onnx.GraphProto.create({
    name: body.graphName,
    node: [
      ...body.nodes,
      ...((body.ends ?? "logit") === "logit" ? [graphNode("Sigmoid", ["logit"], "prob", "sigmoid")] : []),
      graphNode("Reshape", ["prob", "flat_shape"], RANKER_IO.output, "flatten"),
    ],
    initializer: [
      ...body.initializers,
      onnx.TensorProto.create({ name: "flat_shape", dims: [1], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1] }),
    ],
    input: [valueInfo(RANKER_IO.input, ["batch", body.features])],
    output: [valueInfo(RANKER_IO.output, ["batch"])],
  });
  const proto = onnx.ModelProto.create({
    irVersion: 7,
    producerName: "edge-recs-pipeline",
    producerVersion: "1",
    opsetImport: [{ domain: "", version: OPSET }],
    graph,
    metadataProps: [
      { key: "feature_spec_hash", value: body.featureSpecHash },
      { key: "model_version", value: body.modelVersion },
      { key: "feature_names", value: body.featureNames.join(",") },
      ...Object.entries(body.metadata ?? {}).map(([key, value]) => ({ key, value })),
    ],
  });
  return onnx.ModelProto.encode(proto).finish();
}

function valueInfo(name: string, dims: (string | number)[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) },
      },
    },
  });
}
