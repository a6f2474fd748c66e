/**
 * What the CatalogState object answers a write with, shared by the object and the Worker's client
 * (workers/catalog/catalog-state-client.ts). Refusals are values, not thrown errors, since thrown
 * errors lose their codes crossing Durable Object RPC.
 */

/** Why the object did not (fully) carry out a write. */
export type CatalogWriteRefusal = "flag_list_full" | "catalog_publish_failed";

/**
 * What a write answered: done (stored and published to KV), or refused. `catalog_publish_failed`
 * means the change is stored but KV did not take the record; an alarm retries the publish.
 */
export type CatalogWriteOutcome<T> = { ok: true; value: T } | { ok: false; code: CatalogWriteRefusal; message: string };
