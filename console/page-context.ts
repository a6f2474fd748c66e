/** What every console page is rendered with. */
import type { AdminApi } from "./admin-api";

/** A page's inputs. */
export interface PageContext {
  api: AdminApi;
  /** The element the page renders into (empty). */
  root: HTMLElement;
  /** The path segment after the page name (`#/users/u00041` → `u00041`). */
  param: string | null;
  /** The hash's query (`#/items?q=harbor`). */
  query: URLSearchParams;
  /** Goes to another console location (`#/users/u00041`). */
  navigate(hash: string): void;
}
