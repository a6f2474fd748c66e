/**
 * Which of a model version's ONNX files the sidecar loads. A manifest may list the ranker twice:
 * `ranker.onnx` (float32 weights) and `ranker.onnxFp16` (the same network with float16 weights,
 * written for an MLP ranker). `SIDECAR_PRECISION` chooses: `fp32` always the float32 file, `fp16`
 * always the float16 file (a version without one fails to load, saying so), `auto` the float16 file
 * on a GPU provider (cuda, webgpu) when the manifest lists one, the float32 file otherwise: the CPU
 * and WebAssembly providers gain nothing from half precision.
 */
import type { ManifestRanker } from "../shared/artifacts/model-manifest";
import { ModelLoadError } from "./model-load-error";
import type { ProviderDescription } from "./providers/execution-provider";

/** Values of `SIDECAR_PRECISION`. */
export const RANKER_PRECISIONS = ["auto", "fp32", "fp16"] as const;

/** One of {@link RANKER_PRECISIONS}. */
export type RankerPrecision = (typeof RANKER_PRECISIONS)[number];

/** The ranker file chosen for a model version and the precision of its weights. */
export interface RankerFileChoice {
  file: string;
  precision: "fp32" | "fp16";
}

/**
 * The file of `ranker` to load for `precision` on a provider running on `device`. Throws a
 * {@link ModelLoadError} (`model_file_missing`) when `fp16` is asked for and the manifest lists no
 * float16 file.
 *
 * @example
 * chooseRankerFile({ onnx: "ranker.onnx", onnxFp16: "ranker.fp16.onnx" }, "auto", "gpu"); // { file: "ranker.fp16.onnx", precision: "fp16" }
 * chooseRankerFile({ onnx: "ranker.onnx", onnxFp16: "ranker.fp16.onnx" }, "auto", "cpu"); // { file: "ranker.onnx", precision: "fp32" }
 */
export function chooseRankerFile(
  ranker: Pick<ManifestRanker, "onnx" | "onnxFp16">,
  precision: RankerPrecision,
  device: ProviderDescription["device"],
): RankerFileChoice {
  const fp32 = { file: ranker.onnx, precision: "fp32" } as const;
  switch (precision) {
    case "fp32":
      return fp32;
    case "fp16":
      if (ranker.onnxFp16 === undefined) {
        throw new ModelLoadError(
          "model_file_missing",
          "SIDECAR_PRECISION=fp16 but the manifest lists no float16 ranker (ranker.onnxFp16, written for an MLP ranker); " +
            "set SIDECAR_PRECISION=auto to serve the float32 file when there is none",
        );
      }
      return { file: ranker.onnxFp16, precision: "fp16" };
    case "auto":
      return device === "gpu" && ranker.onnxFp16 !== undefined ? { file: ranker.onnxFp16, precision: "fp16" } : fp32;
  }
}
