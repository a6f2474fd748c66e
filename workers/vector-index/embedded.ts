/**
 * `VectorIndex` backed by the `EmbeddedVectorIndex` Durable Object (exact search, Vectorize's API
 * and limits). Used in local dev and tests, where Vectorize cannot run, and for small catalogues.
 * Errors the object returns (`VectorIndexResult`) are thrown as `VectorIndexError`s with their
 * codes; anything thrown (object overloaded, reset, unreachable) is `unavailable`, exactly like
 * the Vectorize adapter.
 */
import type { VectorIndex, VectorMatches, VectorMutation, VectorQueryOptions, VectorRecord } from "../../shared/vector-index/vector-index";
import type {
  ConfiguredVectorIndexInfo,
  ConfigureVectorIndexOptions,
  VectorIndexConfig,
} from "../../shared/vector-index/vector-index-config";
import { VectorIndexError } from "../../shared/vector-index/vector-index-error";
import { forgetItemVectors } from "./cached-vector-index";
import { unwrapVectorIndexResult, type VectorIndexResult } from "../../shared/vector-index/vector-index-result";

/** Name of the Durable Object holding the item index. */
export const EMBEDDED_INDEX_NAME = "items";

/**
 * The `EMBEDDED_INDEX` binding as `wrangler types` generated it (a namespace of EmbeddedVectorIndex
 * objects), so this client reaches the object's RPC types through `Env`, not by importing the
 * object's module.
 */
type EmbeddedIndexNamespace = Env["EMBEDDED_INDEX"];
type EmbeddedIndexStub = ReturnType<EmbeddedIndexNamespace["getByName"]>;

/**
 * Client of one embedded index object.
 * @example
 * const index = new EmbeddedVectorIndexClient(env.EMBEDDED_INDEX);
 * const { matches } = await index.query(userVector, { topK: 100, filter: { genre: "drama" } });
 */
export class EmbeddedVectorIndexClient implements VectorIndex {
  constructor(
    private readonly namespace: EmbeddedIndexNamespace,
    readonly name: string = EMBEDDED_INDEX_NAME,
  ) {}

  /** @inheritdoc */
  query(vector: number[], options?: VectorQueryOptions): Promise<VectorMatches> {
    return this.#call("query", (index) => index.query(vector, options));
  }

  /** @inheritdoc */
  upsert(vectors: VectorRecord[]): Promise<VectorMutation> {
    return this.#call("upsert", (index) => index.upsert(vectors));
  }

  /** @inheritdoc */
  getByIds(ids: string[]): Promise<VectorRecord[]> {
    return this.#call("getByIds", (index) => index.getByIds(ids));
  }

  /** @inheritdoc */
  deleteByIds(ids: string[]): Promise<VectorMutation> {
    return this.#call("deleteByIds", (index) => index.deleteByIds(ids));
  }

  /** Size, shape and published version; `misconfigured` before the first `configure`. */
  describe(): Promise<ConfiguredVectorIndexInfo> {
    return this.#call("describe", (index) => index.describe());
  }

  /** Creates or reshapes the index; see `EmbeddedVectorIndex.configure`. This isolate forgets the item vectors it kept. */
  configure(config: VectorIndexConfig, options?: ConfigureVectorIndexOptions): Promise<ConfiguredVectorIndexInfo> {
    forgetItemVectors(this.namespace);
    return this.#call("configure", (index) => index.configure(config, options)).finally(() => forgetItemVectors(this.namespace));
  }

  /** Records the published version (a new release's vectors are in place): this isolate forgets the item vectors it kept. */
  setVersion(version: string): Promise<ConfiguredVectorIndexInfo> {
    return this.#call("setVersion", (index) => index.setVersion(version)).finally(() => forgetItemVectors(this.namespace));
  }

  /**
   * Calls the object through a fresh stub (a stub that saw an exception may be broken, and
   * stubs are cheap): a returned error is rebuilt as its `VectorIndexError`, anything thrown
   * (overload, reset, unreachable, a bug) becomes `unavailable`.
   */
  async #call<T>(method: string, call: (index: EmbeddedIndexStub) => Promise<VectorIndexResult<T>>): Promise<T> {
    let result: VectorIndexResult<T>;
    try {
      result = await call(this.namespace.getByName(this.name));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new VectorIndexError("unavailable", `embedded vector index ${JSON.stringify(this.name)} ${method} failed: ${message}`, {
        cause: error,
      });
    }
    return unwrapVectorIndexResult(result);
  }
}
