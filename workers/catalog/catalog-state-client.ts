/**
 * How the Worker reaches the CatalogState object (durable-objects/catalog-state.ts), the single
 * writer of the catalogue's serving state: the one instance, and its answers turned into API
 * errors. The object answers refusals as values, since thrown errors lose their codes crossing
 * Durable Object RPC.
 */
import { ApiError } from "../errors/api-error";

/** Name of the one CatalogState object. */
export const CATALOG_STATE_NAME = "catalog";

/** Why the object did not (fully) carry out a write. */
export type CatalogWriteRefusal = "flag_list_full" | "catalog_publish_failed";

/**
 * What a write answered: done (stored and published to KV), or refused. `catalog_publish_failed`
 * means the change is stored but KV did not take the record; an alarm retries the publish.
 */
export type CatalogWriteOutcome<T> = { ok: true; value: T } | { ok: false; code: CatalogWriteRefusal; message: string };

/** The CatalogState object. */
export function catalogStateFor(env: Env) {
  return env.CATALOG_STATE.getByName(CATALOG_STATE_NAME);
}

/** The value of a carried-out write; throws the API error of a refusal (409, or 503 while KV is failing). */
export function writtenOrThrow<T>(outcome: CatalogWriteOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  switch (outcome.code) {
    case "flag_list_full":
      throw new ApiError(409, outcome.code, outcome.message);
    case "catalog_publish_failed":
      throw new ApiError(503, outcome.code, outcome.message);
  }
}
