/**
 * The console's locations are URL hashes (`#/users/u00041`, `#/items?q=harbor`): the whole console
 * is one static page, so deep links work without any server-side routing.
 */

/** The console's pages, in navigation order. */
export const PAGES = ["overview", "users", "items", "experiments", "releases"] as const;
export type PageName = (typeof PAGES)[number];

/** A parsed location. */
export interface ConsoleLocation {
  page: PageName;
  /** The path segment after the page name (`#/users/u00041` → `u00041`), decoded. */
  param: string | null;
  query: URLSearchParams;
}

/** `#/users/u00041?x=1` → its page, parameter and query; unknown pages are the overview. */
export function parseLocation(hash: string): ConsoleLocation {
  const [path = "", search = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const [name = "", ...rest] = path.split("/");
  const page = (PAGES as readonly string[]).includes(name) ? (name as PageName) : "overview";
  const joined = rest.join("/");
  return { page, param: joined === "" ? null : decodeURIComponent(joined), query: new URLSearchParams(search) };
}

/** The hash of a location: `pageHash("users", "u00041")` → `#/users/u00041`. */
export function pageHash(page: PageName, param?: string | null, query?: Record<string, string>): string {
  const search = query && Object.keys(query).length > 0 ? `?${new URLSearchParams(query)}` : "";
  return `#/${page}${param ? `/${encodeURIComponent(param)}` : ""}${search}`;
}
