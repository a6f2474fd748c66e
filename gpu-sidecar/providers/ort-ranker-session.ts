/**
 * A {@link RankerSession} over an onnxruntime `InferenceSession`. onnxruntime-node and
 * onnxruntime-web expose the same API but separate module instances (their tensors are not
 * interchangeable), so the runtime module is passed in by the provider.
 */
import type { InferenceSession, Tensor } from "onnxruntime-node";
import { ModelLoadError } from "../model-load-error";
import type { RankerSession, RankerSessionShape } from "./execution-provider";

/** The part of an onnxruntime module a ranker session needs. */
export interface OrtRuntime {
  InferenceSession: {
    create(buffer: Uint8Array, options?: InferenceSession.SessionOptions): Promise<InferenceSession>;
  };
  Tensor: new (type: "float32", data: Float32Array, dims: readonly number[]) => Tensor;
}

/**
 * Creates an onnxruntime session for `modelBytes` and wraps it as a {@link RankerSession}.
 * Session creation errors propagate unchanged so the provider can classify them; a model that
 * does not have one float32 `[batch, F]` input and one output raises {@link ModelLoadError}.
 */
export async function openOrtRankerSession(
  runtime: OrtRuntime,
  modelBytes: Uint8Array,
  sessionOptions: InferenceSession.SessionOptions,
): Promise<RankerSession> {
  const session = await runtime.InferenceSession.create(modelBytes, sessionOptions);
  let shape: RankerSessionShape;
  try {
    shape = describeShape(session);
  } catch (error) {
    await session.release();
    throw error;
  }
  return {
    shape,
    async run(features, rowCount) {
      if (rowCount === 0) return new Float32Array(0);
      const width = features.length / rowCount;
      const input = new runtime.Tensor("float32", features, [rowCount, width]);
      const outputs = await session.run({ [shape.inputName]: input });
      const scores = outputs[shape.outputName];
      if (!scores || !(scores.data instanceof Float32Array) || scores.data.length !== rowCount) {
        throw new Error(`ranker output "${shape.outputName}" is not a float32 tensor of ${rowCount} scores`);
      }
      return scores.data;
    },
    release: () => session.release(),
  };
}

function describeShape(session: InferenceSession): RankerSessionShape {
  const [input, ...extraInputs] = session.inputMetadata;
  const [output, ...extraOutputs] = session.outputMetadata;
  if (!input || !output || extraInputs.length > 0 || extraOutputs.length > 0) {
    throw new ModelLoadError(
      "model_invalid",
      `a ranker model has exactly one input and one output; this one has ${session.inputNames.length} inputs and ${session.outputNames.length} outputs`,
    );
  }
  if (!input.isTensor || input.type !== "float32" || input.shape.length !== 2) {
    const found = input.isTensor ? `${input.type} [${input.shape.join(", ")}]` : "a non-tensor value";
    throw new ModelLoadError("model_invalid", `ranker input "${input.name}" must be float32 [batch, features]; found ${found}`);
  }
  const width = input.shape[1];
  return { inputName: input.name, outputName: output.name, inputWidth: typeof width === "number" ? width : undefined };
}
