/**
 * Items: search the catalogue (`GET /v1/admin/items/search`), see an item's nearest neighbours
 * (`GET /v1/items/:id/similar`), flag and unflag it (`PUT /v1/items/:id/status`), list what is
 * flagged (`GET /v1/admin/items/flagged`) and add an item from its metadata (`PUT /v1/items/:id`).
 */
import { type AdminApi, describeError } from "../admin-api";
import type { CatalogItem, SimilarItems } from "../api-types";
import { pageHash } from "../console-location";
import { h, notice, replace, table } from "../dom";
import { formatNumber, formatScore } from "../format";
import type { PageContext } from "../page-context";

/** Renders the items page; `?q=` and `?category=` run that search at once. */
export async function renderItemsPage({ api, root, query, navigate }: PageContext): Promise<void> {
  const q = query.get("q") ?? "";
  const category = query.get("category") ?? "";
  const queryInput = h("input", { id: "item-query", name: "q", placeholder: "id, title or genre", value: q });
  const categoryInput = h("input", { id: "item-category", name: "category", placeholder: "category (optional)", value: category });
  const searchForm = h(
    "form",
    { class: "toolbar", "aria-label": "Search items" },
    h("label", { for: "item-query" }, "Search"),
    queryInput,
    categoryInput,
    h("button", { type: "submit" }, "Search"),
  );
  searchForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const next: Record<string, string> = {};
    if (queryInput.value.trim()) next.q = queryInput.value.trim();
    if (categoryInput.value.trim()) next.category = categoryInput.value.trim();
    navigate(pageHash("items", null, next));
  });
  const results = h("section", { class: "panel", id: "item-results" }, h("h2", null, "Results"));
  const similar = h(
    "section",
    { class: "panel", id: "item-similar" },
    h("h2", null, "Similar items"),
    notice("info", "Pick “Similar” on an item."),
  );
  const flagged = h("section", { class: "panel", id: "item-flagged" }, h("h2", null, "Flagged and removed"));
  root.append(h("h1", null, "Items"), searchForm, results, h("div", { class: "columns" }, similar, flagged), addItemForm(api));
  const page = new ItemsView(api, results, similar, flagged, q, category);
  await page.reload();
}

/** The search results, the similar panel and the flagged list, reloaded after each flag change. */
class ItemsView {
  constructor(
    private readonly api: AdminApi,
    private readonly results: HTMLElement,
    private readonly similar: HTMLElement,
    private readonly flagged: HTMLElement,
    private readonly q: string,
    private readonly category: string,
  ) {}

  async reload(): Promise<void> {
    await Promise.all([this.search(), this.loadFlagged()]);
  }

  private async search(): Promise<void> {
    const heading = this.results.querySelector("h2")!;
    const params = new URLSearchParams({ n: "50" });
    if (this.q) params.set("q", this.q);
    if (this.category) params.set("category", this.category);
    try {
      const { items, searched } = await this.api.get<{ items: CatalogItem[]; searched: number }>(`/v1/admin/items/search?${params}`);
      replace(
        this.results,
        heading,
        h(
          "p",
          { class: "meta" },
          `${items.length} of ${formatNumber(searched)} listed items (popular, trending and added lists, and an exact id)`,
        ),
        items.length === 0 ? notice("info", "Nothing matched.") : this.itemTable(items, "search-results"),
      );
    } catch (error) {
      replace(this.results, heading, notice("error", describeError(error)));
    }
  }

  private async loadFlagged(): Promise<void> {
    const heading = this.flagged.querySelector("h2")!;
    try {
      const { items } = await this.api.get<{ items: CatalogItem[] }>("/v1/admin/items/flagged");
      replace(
        this.flagged,
        heading,
        items.length === 0 ? notice("info", "No item is flagged or removed.") : this.itemTable(items, "flagged-items"),
      );
    } catch (error) {
      replace(this.flagged, heading, notice("error", describeError(error)));
    }
  }

  private itemTable(items: CatalogItem[], id: string): HTMLTableElement {
    return table(
      ["item", "title", "category", "genres", "year", "status", ""],
      items.map((item) => [
        item.item_id,
        item.title ?? (item.in_index ? "–" : "not in the index"),
        item.category ?? "–",
        item.genres?.join(", ") ?? "–",
        item.released_at !== undefined ? String(new Date(item.released_at * 1000).getUTCFullYear()) : "–",
        statusBadges(item),
        h(
          "span",
          { class: "actions" },
          h("button", { type: "button", onclick: () => void this.showSimilar(item) }, "Similar"),
          h(
            "button",
            { type: "button", dataset: { flag: "unsafe" }, onclick: () => void this.setFlag(item, { unsafe: !item.status.unsafe }) },
            item.status.unsafe ? "Clear unsafe" : "Flag unsafe",
          ),
          h(
            "button",
            {
              type: "button",
              dataset: { flag: "available" },
              onclick: () => void this.setFlag(item, { available: !item.status.available }),
            },
            item.status.available ? "Mark unavailable" : "Mark available",
          ),
        ),
      ]),
      { id },
    );
  }

  private async setFlag(item: CatalogItem, flags: { unsafe?: boolean; available?: boolean }): Promise<void> {
    try {
      await this.api.send("PUT", `/v1/items/${encodeURIComponent(item.item_id)}/status`, flags);
      await this.reload();
    } catch (error) {
      this.results.append(notice("error", describeError(error)));
    }
  }

  private async showSimilar(item: CatalogItem): Promise<void> {
    const heading = h("h2", null, `Similar to ${item.item_id}`, item.title ? ` (${item.title})` : "");
    replace(this.similar, heading, notice("info", "Loading…"));
    try {
      const answer = await this.api.get<SimilarItems>(`/v1/items/${encodeURIComponent(item.item_id)}/similar?n=10`);
      replace(
        this.similar,
        heading,
        answer.items.length === 0
          ? notice("info", "No neighbours.")
          : table(
              ["item", "category", "source", "score"],
              answer.items.map((neighbour) => [
                h("a", { href: pageHash("items", null, { q: neighbour.item_id }) }, neighbour.item_id),
                neighbour.category ?? "–",
                neighbour.source,
                formatScore(neighbour.score),
              ]),
              { id: "similar-items" },
            ),
        answer.fallbacks.length > 0
          ? notice("warn", `Fallbacks: ${answer.fallbacks.map((f) => `${f.stage} ${f.reason} → ${f.used}`).join("; ")}`)
          : null,
      );
    } catch (error) {
      replace(this.similar, heading, notice("error", describeError(error)));
    }
  }
}

function statusBadges(item: CatalogItem): HTMLElement {
  const badges = [
    item.status.blocked ? h("span", { class: "badge bad" }, "removed") : null,
    item.status.unsafe ? h("span", { class: "badge bad" }, "unsafe") : null,
    item.status.available ? null : h("span", { class: "badge warn" }, "unavailable"),
  ].filter((badge) => badge !== null);
  return h("span", { class: "badges" }, ...(badges.length > 0 ? badges : [h("span", { class: "badge ok" }, "servable")]));
}

/** The "add an item" form: `PUT /v1/items/:id` with `{title, genres, year?, sponsored}`. */
function addItemForm(api: AdminApi): HTMLElement {
  const id = h("input", { id: "new-item-id", name: "item_id", required: true, placeholder: "new-item-1" });
  const title = h("input", { id: "new-item-title", name: "title", placeholder: "The Silent Harbor" });
  const genres = h("input", { id: "new-item-genres", name: "genres", required: true, placeholder: "Drama, Thriller" });
  const year = h("input", { id: "new-item-year", name: "year", type: "number", min: "1800", max: "2200", placeholder: "2025" });
  const sponsored = h("input", { id: "new-item-sponsored", name: "sponsored", type: "checkbox" });
  const status = h("div", { class: "form-status" });
  const form = h(
    "form",
    { class: "panel add-item", id: "add-item", "aria-label": "Add an item" },
    h("h2", null, "Add an item"),
    h("p", { class: "meta" }, "The content encoder places it in the embedding space; it is retrievable at once and joins the fresh items."),
    h(
      "div",
      { class: "grid-form" },
      h("label", { for: "new-item-id" }, "Item id"),
      id,
      h("label", { for: "new-item-title" }, "Title"),
      title,
    ),
    h(
      "div",
      { class: "grid-form" },
      h("label", { for: "new-item-genres" }, "Genres"),
      genres,
      h("label", { for: "new-item-year" }, "Year"),
      year,
    ),
    h("label", { class: "check" }, sponsored, " sponsored"),
    h("button", { type: "submit" }, "Add item"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      ...(title.value.trim() ? { title: title.value.trim() } : {}),
      genres: genres.value
        .split(",")
        .map((genre) => genre.trim())
        .filter((genre) => genre.length > 0),
      ...(year.value ? { year: Number(year.value) } : {}),
      sponsored: sponsored.checked,
    };
    replace(status, notice("info", "Adding…"));
    try {
      const added = await api.send<{ item_id: string; vector_source: string; dimensions: number; metadata: { category: string } }>(
        "PUT",
        `/v1/items/${encodeURIComponent(id.value.trim())}`,
        body,
      );
      replace(
        status,
        notice(
          "info",
          `Added ${added.item_id} (${added.metadata.category}; ${added.dimensions}-d vector from the ${added.vector_source.replace("_", " ")}). `,
          h("a", { href: pageHash("items", null, { q: added.item_id }) }, "Show it"),
        ),
      );
    } catch (error) {
      replace(status, notice("error", describeError(error)));
    }
  });
  return form;
}
