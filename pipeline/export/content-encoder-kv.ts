/**
 * The content encoder's KV entry for an artifacts folder (`extraKv` of write-artifacts.ts): fitted
 * on the catalogue's metadata against the published item factors, so `PUT /v1/items` can place a
 * new item in the same space. One definition for `train` and for imported factors.
 */
import { kvKeys } from "../../shared/artifacts/kv-keys";
import type { ItemCatalog } from "../data/dataset";
import { fitContentEncoder } from "../models/content-encoder";
import type { LatentFactors } from "../models/recommender";
import type { KvBulkEntry } from "./write-artifacts";

/** An `extraKv` that fits the content encoder on `catalog` and reports its held-out fit through `log`. */
export function contentEncoderKv(
  catalog: ItemCatalog,
  log: (line: string) => void,
): (modelVersion: string, factors: LatentFactors) => KvBulkEntry[] {
  return (modelVersion, factors) => {
    const { model, report } = fitContentEncoder({
      items: catalog.items.map((item) => ({
        title: item.title,
        genres: item.genres,
        category: item.category,
        released_at: item.releasedAt,
      })),
      itemFactors: factors.items,
      dimensions: factors.dimensions,
      modelVersion,
    });
    log(
      `content encoder: held-out cosine ${report.heldOutCosine.toFixed(3)} (mean-vector baseline ` +
        `${report.baselineCosine.toFixed(3)}) over ${report.heldOutItems} items`,
    );
    return [{ key: kvKeys.contentEncoder, value: JSON.stringify(model) }];
  };
}
