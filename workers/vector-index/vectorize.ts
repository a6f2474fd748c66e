/**
 * `VectorIndex` backed by the Cloudflare Vectorize binding (production ANN). Inputs are checked
 * against Vectorize's limits before the call, with the same `VectorIndexError` codes as the
 * embedded index, so a bad request is a caller error here too; anything the binding itself
 * throws (network, quota, outage, a limit we do not model) becomes `unavailable` and the Worker
 * falls back to item-to-item lists and trending.
 */
import { validateMetadataFilter } from "../../shared/vector-index/metadata-filter";
import type {
  MetadataIndexType,
  VectorIndex,
  VectorIndexInfo,
  VectorMatch,
  VectorMatches,
  VectorMetadata,
  VectorMutation,
  VectorQueryOptions,
  VectorRecord,
} from "../../shared/vector-index/vector-index";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import {
  assertVectorIds,
  resolveQueryOptions,
  toFloat32Vector,
  validateUpsertBatch,
} from "../../shared/vector-index/vector-input-validation";

/**
 * The binding as `wrangler types` declares it (`VectorizeIndex`, the beta shape) or as V2 indexes
 * behave at runtime (`Vectorize`); results of both shapes are normalised.
 */
export type VectorizeBinding = Vectorize | VectorizeIndex;

/** What the adapter knows of the remote index, to refuse bad calls before sending them. */
export interface VectorizeVectorIndexOptions {
  /** The index's dimensions (e.g. from the model manifest); checked on query and upsert when set. */
  dimensions?: number;
  /**
   * The index's metadata indexes; when set, filters on other properties are refused with
   * `invalid_filter` as the embedded index does (Vectorize itself would match nothing).
   */
  metadataIndexes?: Record<string, MetadataIndexType>;
  /**
   * Scope every call to one namespace (a release's id, in its slot): queries search only it,
   * upserts write into it whatever the caller asked, and reads by id drop vectors of other
   * namespaces (an earlier occupant's, which Vectorize keeps until they are overwritten).
   */
  namespace?: string;
}

/**
 * Adapter of the Vectorize binding.
 * @example
 * const index = new VectorizeVectorIndex(env.VECTORIZE, { dimensions: manifest.dimensions });
 * const { matches } = await index.query(userVector, { topK: 100 });
 */
export class VectorizeVectorIndex implements VectorIndex {
  constructor(
    private readonly binding: VectorizeBinding,
    private readonly options: VectorizeVectorIndexOptions = {},
  ) {}

  /** @inheritdoc */
  async query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    const resolved = resolveQueryOptions(options);
    const { topK, returnValues, returnMetadata, filter } = resolved;
    const namespace = this.options.namespace ?? resolved.namespace;
    toFloat32Vector(vector, this.options.dimensions, "query vector");
    if (filter !== undefined) validateMetadataFilter(filter, this.options.metadataIndexes);
    const request: VectorizeQueryOptions = { topK, returnValues, returnMetadata };
    if (namespace !== undefined) request.namespace = namespace;
    if (filter !== undefined) request.filter = filter as VectorizeVectorMetadataFilter;
    const result = await this.#call("query", () => this.binding.query(vector, request));
    const matches = result.matches.map((match): VectorMatch => {
      const converted: VectorMatch = { id: match.id, score: match.score };
      if (match.namespace !== undefined) converted.namespace = match.namespace;
      if (match.values !== undefined) converted.values = Array.from(match.values);
      if (match.metadata !== undefined) converted.metadata = match.metadata as VectorMetadata;
      return converted;
    });
    return { matches, count: matches.length };
  }

  /** @inheritdoc */
  async upsert(vectors: VectorRecord[]): Promise<VectorMutation> {
    validateUpsertBatch(vectors, this.options.dimensions);
    const { namespace } = this.options;
    const scoped = namespace === undefined ? vectors : vectors.map((vector) => ({ ...vector, namespace }));
    const result = await this.#call<VectorizeAsyncMutation | VectorizeVectorMutation>("upsert", () => this.binding.upsert(scoped));
    return toMutation(result);
  }

  /** @inheritdoc */
  async getByIds(ids: string[]): Promise<VectorRecord[]> {
    assertVectorIds(ids);
    const found = await this.#call("getByIds", () => this.binding.getByIds(ids));
    const byId = new Map(found.map((vector) => [vector.id, vector]));
    const records: VectorRecord[] = [];
    for (const id of new Set(ids)) {
      const vector = byId.get(id);
      if (!vector) continue;
      if (this.options.namespace !== undefined && vector.namespace !== this.options.namespace) continue;
      const record: VectorRecord = { id, values: Array.from(vector.values) };
      if (vector.namespace !== undefined) record.namespace = vector.namespace;
      if (vector.metadata !== undefined) record.metadata = vector.metadata as VectorMetadata;
      records.push(record);
    }
    return records;
  }

  /** @inheritdoc */
  async deleteByIds(ids: string[]): Promise<VectorMutation> {
    assertVectorIds(ids);
    const result = await this.#call<VectorizeAsyncMutation | VectorizeVectorMutation>("deleteByIds", () => this.binding.deleteByIds(ids));
    return toMutation(result);
  }

  /** @inheritdoc */
  async describe(): Promise<VectorIndexInfo> {
    const info = await this.#call<VectorizeIndexInfo | VectorizeIndexDetails>("describe", () => this.binding.describe());
    if ("vectorCount" in info) return { vectorCount: info.vectorCount, dimensions: info.dimensions };
    const dimensions = "dimensions" in info.config ? info.config.dimensions : (this.options.dimensions ?? 0);
    return { vectorCount: info.vectorsCount, dimensions };
  }

  async #call<T>(method: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new VectorIndexError("unavailable", `Vectorize ${method} failed: ${message}`, { cause: error });
    }
  }
}

function toMutation(result: VectorizeAsyncMutation | VectorizeVectorMutation): VectorMutation {
  return "mutationId" in result ? { mutationId: result.mutationId } : { mutationId: `sync:${result.count}` };
}
