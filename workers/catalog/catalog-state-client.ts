/**
 * How the Worker reaches the CatalogState object (durable-objects/catalog-state.ts), the single
 * writer of the catalogue's serving state: the one instance, and its answers turned into API
 * errors. The object answers refusals as values, since thrown errors lose their codes crossing
 * Durable Object RPC.
 */
import type { CatalogWriteOutcome } from "../../shared/catalog/catalog-write-outcome";
import { ApiError } from "../errors/api-error";
import { forgetKvValues } from "../store/kv-store";

/** Name of the one CatalogState object. */
export const CATALOG_STATE_NAME = "catalog";

/** The CatalogState object. */
export function catalogStateFor(env: Env) {
  return env.CATALOG_STATE.getByName(CATALOG_STATE_NAME);
}

/**
 * The value of a carried-out write; throws the API error of a refusal (409, or 503 while KV is
 * failing). Either way this isolate forgets the KV values it kept (a catalogue change edits the
 * block/flag record, the fresh list or popular lists; changes are rare, so all are dropped), so
 * its next request reads what the object published.
 */
export function writtenOrThrow<T>(env: Env, outcome: CatalogWriteOutcome<T>): T {
  forgetKvValues(env.KV);
  if (outcome.ok) return outcome.value;
  switch (outcome.code) {
    case "flag_list_full":
      throw new ApiError(409, outcome.code, outcome.message);
    case "catalog_publish_failed":
      throw new ApiError(503, outcome.code, outcome.message);
  }
}
