/**
 * User explorer: pick or type a user, see their list as the funnel serves it (reasons, sources,
 * scores, exploration arms, A/B arms, fallbacks, timings), act on an item — click, like, "not
 * interested" (`POST /v1/events`, echoing the request id and position) — and watch the next list
 * change; beside it their session state and bandit posteriors (`GET /v1/users/:id/state`).
 */
import { type AdminApi, describeError } from "../admin-api";
import type { CatalogItem, Recommendations, RecommendedItem, UserState } from "../api-types";
import { pageHash } from "../console-location";
import { type Child, h, notice, replace, table } from "../dom";
import { formatNumber, formatPercent, formatScore, formatTime } from "../format";
import type { PageContext } from "../page-context";
import { betaInterval } from "./beta-interval";
import { recentUsers, rememberUser } from "./recent-users";

/** The feedback the explorer can post, with its button label. */
const ACTIONS = [
  { type: "click", label: "Click" },
  { type: "like", label: "Like" },
  { type: "not_interested", label: "Not interested" },
] as const;
type Action = (typeof ACTIONS)[number];

const SURFACES = ["home", "email"] as const;

/** Items per list. */
const LIST_SIZE = 10;

/** Renders the explorer, for `param` (a user id) when given. */
export async function renderUsersPage({ api, root, param, query, navigate }: PageContext): Promise<void> {
  const surface = (SURFACES as readonly string[]).includes(query.get("surface") ?? "") ? query.get("surface")! : "home";
  const input = h("input", {
    id: "user-id",
    name: "user-id",
    list: "recent-users",
    placeholder: "user id, e.g. u00041",
    value: param ?? "",
    required: true,
  });
  const surfaceSelect = h(
    "select",
    { id: "surface", name: "surface" },
    ...SURFACES.map((name) => h("option", { value: name, selected: name === surface }, name)),
  );
  const form = h(
    "form",
    { class: "toolbar", "aria-label": "Open a user" },
    h("label", { for: "user-id" }, "User"),
    input,
    h("datalist", { id: "recent-users" }, ...recentUsers().map((id) => h("option", { value: id }))),
    h("label", { for: "surface" }, "Surface"),
    surfaceSelect,
    h("button", { type: "submit" }, "Open"),
  );
  root.append(h("h1", null, "Users"), form);
  const listPanel = h("section", { class: "panel", id: "user-list" });
  const statePanel = h("section", { class: "panel", id: "user-state" });
  root.append(h("div", { class: "columns list-and-side" }, listPanel, statePanel));
  const explorer = param ? new UserExplorer(api, param, surface, listPanel, statePanel) : null;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = input.value.trim();
    if (!userId) return;
    const hash = pageHash("users", userId, surfaceSelect.value === "home" ? {} : { surface: surfaceSelect.value });
    if (window.location.hash === hash && explorer) void explorer.refresh(null);
    else navigate(hash);
  });
  if (!explorer) {
    listPanel.append(notice("info", "Type a user id, or pick one opened before, to see their list and session."));
    statePanel.remove();
    return;
  }
  rememberUser(explorer.userId);
  await explorer.refresh(null);
}

/** One user's list and state, refreshed after each action. */
class UserExplorer {
  private previous: Recommendations | null = null;

  constructor(
    private readonly api: AdminApi,
    readonly userId: string,
    private readonly surface: string,
    private readonly listPanel: HTMLElement,
    private readonly statePanel: HTMLElement,
  ) {}

  /** Reloads the list and the state; `after` names the action that led here. */
  async refresh(after: string | null): Promise<void> {
    this.listPanel.setAttribute("aria-busy", "true");
    const user = encodeURIComponent(this.userId);
    const [list, state] = await Promise.allSettled([
      this.api.get<Recommendations>(`/v1/recommendations?user_id=${user}&n=${LIST_SIZE}&surface=${this.surface}`),
      this.api.get<UserState>(`/v1/users/${user}/state`),
    ]);
    if (list.status === "fulfilled") {
      const titles = await this.titlesOf(list.value.items.map((item) => item.item_id));
      this.renderList(list.value, titles, after);
      this.previous = list.value;
    } else {
      replace(this.listPanel, h("h2", null, `List of ${this.userId}`), notice("error", describeError(list.reason)));
    }
    if (state.status === "fulfilled") this.renderState(state.value);
    else replace(this.statePanel, h("h2", null, "Session"), notice("error", describeError(state.reason)));
    this.listPanel.setAttribute("aria-busy", "false");
  }

  private async titlesOf(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    try {
      const { items } = await this.api.get<{ items: CatalogItem[] }>(`/v1/admin/items/search?ids=${ids.map(encodeURIComponent).join(",")}`);
      return new Map(items.filter((item) => item.title).map((item) => [item.item_id, item.title!]));
    } catch {
      return new Map();
    }
  }

  private async act(item: RecommendedItem, position: number, action: Action, response: Recommendations): Promise<void> {
    for (const button of this.listPanel.querySelectorAll("button")) button.disabled = true;
    try {
      await this.api.send("POST", "/v1/events", {
        events: [
          {
            event_id: `console-${crypto.randomUUID()}`,
            user_id: this.userId,
            item_id: item.item_id,
            type: action.type,
            ts: Date.now(),
            request_id: response.request_id,
            position,
            context: { surface: this.surface },
          },
        ],
      });
      await this.refresh(`${action.label} on ${item.item_id}`);
    } catch (error) {
      this.listPanel.append(notice("error", describeError(error)));
      for (const button of this.listPanel.querySelectorAll("button")) button.disabled = false;
    }
  }

  private renderList(response: Recommendations, titles: Map<string, string>, after: string | null): void {
    const before = new Set(this.previous?.items.map((item) => item.item_id) ?? []);
    const now = new Set(response.items.map((item) => item.item_id));
    const gone = [...before].filter((id) => !now.has(id));
    const added = response.items.filter((item) => !before.has(item.item_id)).map((item) => item.item_id);
    const arms = Object.entries(response.arms);
    const rows = response.items.map((item, position) => {
      const row = h(
        "tr",
        { dataset: { itemId: item.item_id }, class: this.previous && !before.has(item.item_id) ? "new" : null },
        h("td", { class: "num" }, String(position + 1)),
        h(
          "td",
          null,
          h("a", { class: "item-id", href: pageHash("items", null, { q: item.item_id }) }, item.item_id),
          titles.has(item.item_id) ? h("div", { class: "sub" }, titles.get(item.item_id)!) : null,
        ),
        h("td", null, item.category ?? "–"),
        h("td", null, h("span", { class: `badge source-${item.source}` }, item.source)),
        h("td", { class: "num" }, formatScore(item.score)),
        h("td", null, item.reason?.text ?? "–"),
        h("td", null, item.exploration ? `${item.exploration.arm} (${item.exploration.from})` : "–"),
        h(
          "td",
          { class: "actions" },
          ...ACTIONS.map((action) =>
            h(
              "button",
              { type: "button", dataset: { action: action.type }, onclick: () => void this.act(item, position, action, response) },
              action.label,
            ),
          ),
        ),
      );
      return row;
    });
    replace(
      this.listPanel,
      h("h2", null, `List of ${this.userId}`),
      after && this.previous
        ? notice(
            "info",
            h(
              "span",
              { id: "list-changes" },
              `After “${after}”: `,
              gone.length > 0 ? `gone ${gone.join(", ")}` : "nothing left the list",
              added.length > 0 ? `; new ${added.join(", ")}` : "",
            ),
          )
        : null,
      h(
        "p",
        { class: "meta" },
        `request ${response.request_id} · ranker ${response.ranker} · model ${response.model_version ?? "–"} · user vector ${response.user_vector?.source ?? "none"}`,
        response.user_vector && response.user_vector.session_share > 0
          ? ` (session share ${formatPercent(response.user_vector.session_share, 0)})`
          : "",
        arms.length > 0 ? ` · A/B ${arms.map(([experiment, arm]) => `${experiment}=${arm}`).join(", ")}` : "",
      ),
      response.items.length === 0
        ? notice("warn", "The list is empty.")
        : h(
            "table",
            { id: "recommendations" },
            h(
              "thead",
              null,
              h(
                "tr",
                null,
                ...["#", "Item", "Category", "Source", "Score", "Reason", "Exploration arm", "Feedback"].map((label) =>
                  h("th", null, label),
                ),
              ),
            ),
            h("tbody", null, ...rows),
          ),
      response.fallbacks.length > 0
        ? h(
            "div",
            { class: "fallbacks" },
            h("h3", null, "Fallbacks"),
            table(
              ["stage", "reason", "used"],
              response.fallbacks.map((f) => [f.stage, f.reason, f.used]),
            ),
          )
        : h("p", { class: "meta" }, "No fallback taken."),
      h(
        "p",
        { class: "meta" },
        "Timings: ",
        Object.entries(response.timings_ms)
          .map(([stage, ms]) => (stage === "subrequests" ? `${ms} subrequests` : `${stage} ${ms} ms`))
          .join(" · "),
      ),
    );
  }

  private renderState(state: UserState): void {
    const affinity = Object.entries(state.affinity).sort((a, b) => b[1] - a[1]);
    const arms = [...state.arms].sort((a, b) => b.posterior.mean - a.posterior.mean);
    const counts: Child[] = Object.entries(state.counts).map(([name, value]) => `${name} ${formatNumber(value)}`);
    replace(
      this.statePanel,
      h("h2", null, "Session"),
      h("p", { class: "meta" }, (counts as string[]).join(" · ")),
      h(
        "p",
        { class: "meta" },
        `last activity ${formatTime(state.retention.lastActivity)} · deleted after ${formatTime(state.retention.deleteAfter)}`,
        state.sessionVector ? ` · session vector from ${state.sessionVector.modelVersion}` : "",
        state.profile?.categories?.length ? ` · prefers ${state.profile.categories.join(", ")}` : "",
      ),
      h("h3", null, "Bandit arms"),
      arms.length === 0
        ? notice("info", "No arm has evidence yet: exploration draws from the prior.")
        : table(
            ["arm", "successes", "trials", "posterior α, β", "mean", "≈95 % interval", ""],
            arms.map((arm) => {
              const interval = betaInterval(arm.posterior.alpha, arm.posterior.beta);
              return [
                arm.arm,
                formatNumber(arm.successes, 2),
                formatNumber(arm.trials, 2),
                `${formatNumber(arm.posterior.alpha, 2)}, ${formatNumber(arm.posterior.beta, 2)}`,
                formatPercent(arm.posterior.mean),
                `${formatPercent(interval.low)} – ${formatPercent(interval.high)}`,
                intervalBar(interval.low, arm.posterior.mean, interval.high),
              ];
            }),
            { id: "bandit-arms" },
          ),
      h("h3", null, "Category affinity"),
      affinity.length === 0
        ? notice("info", "No affinity yet.")
        : table(
            ["category", "affinity"],
            affinity.map(([category, value]) => [category, formatNumber(value, 2)]),
          ),
      h("h3", null, "Recent interactions"),
      state.recent.length === 0
        ? notice("info", "No interactions in the session.")
        : table(
            ["item", "type", "when"],
            state.recent.map((event) => [event.itemId, event.type, formatTime(event.ts)]),
          ),
    );
  }
}

/** A bar from 0 to 1 with the interval shaded and the mean marked. */
function intervalBar(low: number, mean: number, high: number): HTMLElement {
  const interval = h("span", { class: "interval" });
  interval.style.left = `${low * 100}%`;
  interval.style.width = `${Math.max(0.5, (high - low) * 100)}%`;
  const marker = h("span", { class: "mean" });
  marker.style.left = `${mean * 100}%`;
  return h("span", { class: "interval-bar", title: `${formatPercent(low)} – ${formatPercent(high)}` }, interval, marker);
}
