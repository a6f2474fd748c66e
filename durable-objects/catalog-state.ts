/**
 * CatalogState: the single writer of the catalogue's serving state (item flags and blocks, fresh
 * items). Placeholder while it is being built; see workers/catalog/.
 */
import { DurableObject } from "cloudflare:workers";

/** The catalogue's single writer. */
export class CatalogState extends DurableObject<Env> {}
