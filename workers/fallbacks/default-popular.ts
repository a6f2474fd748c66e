/**
 * The last rung of the fallback ladder: a small list shipped inside the Worker, served when KV has
 * no popular list (not yet published, or unavailable). It is generated from the demo catalogue
 * (`npm run pipeline -- default-list`), so it is only meaningful for the demo data; production
 * deployments publish their own popular lists to KV before taking traffic.
 */
import type { PopularList } from "../../shared/artifacts/kv-keys";
import defaultPopular from "./default-popular.json";

/** The built-in popular list. */
export const DEFAULT_POPULAR: PopularList = defaultPopular as PopularList;
