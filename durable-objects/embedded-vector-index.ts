/**
 * The embedded vector index as a Durable Object: Vectorize's API and limits, exact search, for
 * local dev (Vectorize has no local simulator), tests, and small production catalogues.
 *
 * Storage is the object's SQLite database: one row per vector (id, namespace, float32 bytes in
 * little-endian order, metadata JSON) plus one config row (dimensions, metric, metadata indexes,
 * version). On start the rows are loaded into a `FlatVectorIndex`; every write goes to SQLite (in one
 * transaction per call) and then to memory, so a restart loses nothing.
 *
 * Every RPC method returns a `VectorIndexResult` (`vector-index-result.ts`): caller errors and
 * `misconfigured` come back as data, not as thrown exceptions, so they keep their code and do not
 * count as exceptions of the object; `EmbeddedVectorIndexClient` turns them back into
 * `VectorIndexError`s.
 */
import { DurableObject } from "cloudflare:workers";
import { FlatVectorIndex, type FlatVectorIndexEntry } from "../shared/vector-index/flat-vector-index";
import type { VectorMatches, VectorMetadata, VectorMutation, VectorQueryOptions, VectorRecord } from "../shared/vector-index/vector-index";
import {
  type ConfigureVectorIndexOptions,
  validateVectorIndexConfig,
  type ConfiguredVectorIndexInfo,
  type VectorIndexConfig,
} from "../shared/vector-index/vector-index-config";
import { VectorIndexError } from "../shared/vector-index/vector-index-error";
import { vectorIndexResult, type VectorIndexResult } from "../shared/vector-index/vector-index-result";
import { assertVectorIds } from "../shared/vector-index/vector-input-validation";

/** Longest accepted `version` string. */
const MAX_VERSION_LENGTH = 256;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS index_config (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    dimensions INTEGER NOT NULL,
    metric TEXT NOT NULL,
    metadata_indexes TEXT NOT NULL,
    version TEXT NOT NULL DEFAULT ''
  );
  CREATE TABLE IF NOT EXISTS vectors (
    id TEXT PRIMARY KEY,
    namespace TEXT,
    vector BLOB NOT NULL,
    metadata TEXT
  );
`;

type ConfigRow = { dimensions: number; metric: string; metadata_indexes: string; version: string };
type VectorRow = { id: string; namespace: string | null; vector: ArrayBuffer; metadata: string | null };

/**
 * One embedded vector index per object name (the Worker uses "items").
 * @example
 * const index = new EmbeddedVectorIndexClient(env.EMBEDDED_INDEX); // unwraps results into VectorIndexErrors
 * await index.configure({ dimensions: 32, metric: "dot-product", metadataIndexes: { genre: "string" } });
 * await index.upsert([{ id: "m1", values: [...], metadata: { genre: "drama" } }]);
 */
export class EmbeddedVectorIndex extends DurableObject<Env> {
  #index: FlatVectorIndex | undefined;
  #version = "";

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    void ctx.blockConcurrencyWhile(async () => {
      this.ctx.storage.sql.exec(SCHEMA);
      this.#load();
    });
  }

  /**
   * Creates the index, updates its metadata indexes, or (with `reset`) empties it and changes its
   * shape. Without `reset`, a different dimensions or metric is refused: stored vectors would no
   * longer fit.
   * Fails with `misconfigured` for an invalid config or a shape change without reset.
   */
  async configure(
    config: VectorIndexConfig,
    options: ConfigureVectorIndexOptions = {},
  ): Promise<VectorIndexResult<ConfiguredVectorIndexInfo>> {
    return vectorIndexResult(() => {
      const next = validateVectorIndexConfig(config);
      const { reset = false, version } = options;
      if (version !== undefined) assertVersion(version);
      const current = this.#index?.config;
      if (current && !reset && (current.dimensions !== next.dimensions || current.metric !== next.metric)) {
        throw new VectorIndexError(
          "misconfigured",
          `refusing to change the index from ${current.dimensions}-d ${current.metric} to ${next.dimensions}-d ` +
            `${next.metric} without reset: true (it would drop ${this.#index!.size} vectors)`,
        );
      }
      const nextVersion = version ?? (reset ? "" : this.#version);
      const sql = this.ctx.storage.sql;
      this.ctx.storage.transactionSync(() => {
        if (reset) sql.exec("DELETE FROM vectors");
        sql.exec(
          `INSERT OR REPLACE INTO index_config (singleton, dimensions, metric, metadata_indexes, version)
           VALUES (1, ?, ?, ?, ?)`,
          next.dimensions,
          next.metric,
          JSON.stringify(next.metadataIndexes),
          nextVersion,
        );
      });
      if (!this.#index || reset) this.#index = new FlatVectorIndex(next);
      else this.#index.setMetadataIndexes(next.metadataIndexes);
      this.#version = nextVersion;
      return this.#info(this.#index);
    });
  }

  /** Records the published version (e.g. after a full upload). */
  async setVersion(version: string): Promise<VectorIndexResult<ConfiguredVectorIndexInfo>> {
    return vectorIndexResult(() => {
      const index = this.#require();
      assertVersion(version);
      this.ctx.storage.sql.exec("UPDATE index_config SET version = ? WHERE singleton = 1", version);
      this.#version = version;
      return this.#info(index);
    });
  }

  /** Size, shape and version of the index. */
  async describe(): Promise<VectorIndexResult<ConfiguredVectorIndexInfo>> {
    return vectorIndexResult(() => this.#info(this.#require()));
  }

  /** Nearest neighbours, as `VectorIndex.query`. */
  async query(vector: number[], options?: VectorQueryOptions): Promise<VectorIndexResult<VectorMatches>> {
    return vectorIndexResult(() => this.#require().query(vector, options));
  }

  /** Inserts or replaces up to 1000 vectors atomically, as `VectorIndex.upsert`. */
  async upsert(vectors: VectorRecord[]): Promise<VectorIndexResult<VectorMutation>> {
    return vectorIndexResult(() => {
      const index = this.#require();
      const prepared = index.prepareUpsert(vectors);
      const sql = this.ctx.storage.sql;
      this.ctx.storage.transactionSync(() => {
        for (const { id, namespace, values, metadata } of prepared.records) {
          sql.exec(
            "INSERT OR REPLACE INTO vectors (id, namespace, vector, metadata) VALUES (?, ?, ?, ?)",
            id,
            namespace ?? null,
            values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength),
            metadata === undefined ? null : JSON.stringify(metadata),
          );
        }
      });
      index.applyUpsert(prepared);
      return { mutationId: crypto.randomUUID() };
    });
  }

  /** Stored vectors for the ids that exist, in the order asked. */
  async getByIds(ids: string[]): Promise<VectorIndexResult<VectorRecord[]>> {
    return vectorIndexResult(() => this.#require().getByIds(ids));
  }

  /** Removes vectors; unknown ids are ignored. */
  async deleteByIds(ids: string[]): Promise<VectorIndexResult<VectorMutation>> {
    return vectorIndexResult(() => {
      const index = this.#require();
      assertVectorIds(ids);
      const sql = this.ctx.storage.sql;
      this.ctx.storage.transactionSync(() => {
        for (const id of ids) sql.exec("DELETE FROM vectors WHERE id = ?", id);
      });
      index.remove(ids);
      return { mutationId: crypto.randomUUID() };
    });
  }

  #require(): FlatVectorIndex {
    if (!this.#index) {
      throw new VectorIndexError(
        "misconfigured",
        "the embedded vector index is not configured; publish embeddings (configure + upsert) first",
      );
    }
    return this.#index;
  }

  #info(index: FlatVectorIndex): ConfiguredVectorIndexInfo {
    return { ...index.config, vectorCount: index.size, version: this.#version };
  }

  #load(): void {
    const sql = this.ctx.storage.sql;
    const configQuery = "SELECT dimensions, metric, metadata_indexes, version FROM index_config";
    const [row] = sql.exec<ConfigRow>(configQuery).toArray();
    if (!row) return;
    const config = {
      dimensions: row.dimensions,
      metric: row.metric,
      metadataIndexes: JSON.parse(row.metadata_indexes),
    } as VectorIndexConfig;
    const count = sql.exec<{ count: number }>("SELECT COUNT(*) AS count FROM vectors").one().count;
    const rows = sql.exec<VectorRow>("SELECT id, namespace, vector, metadata FROM vectors");
    this.#index = FlatVectorIndex.restore(config, entriesOf(rows), { initialCapacity: count });
    this.#version = row.version;
  }
}

function* entriesOf(rows: Iterable<VectorRow>): Generator<FlatVectorIndexEntry> {
  for (const row of rows) {
    const entry: FlatVectorIndexEntry = { id: row.id, values: new Float32Array(row.vector) };
    if (row.namespace !== null) entry.namespace = row.namespace;
    if (row.metadata !== null) entry.metadata = JSON.parse(row.metadata) as VectorMetadata;
    yield entry;
  }
}

function assertVersion(version: unknown): asserts version is string {
  if (typeof version !== "string" || version.length > MAX_VERSION_LENGTH) {
    throw new VectorIndexError("invalid_options", `version must be a string of at most ${MAX_VERSION_LENGTH} characters`);
  }
}
