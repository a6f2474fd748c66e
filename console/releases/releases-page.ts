/**
 * Releases: every registered release with its manifest facts and offline metrics, which one is
 * current, previous (the rollback target) or canary; roll back, activate another release, stop
 * the canary (`/v1/admin/releases…`). Each change asks for a second click to confirm.
 */
import { type AdminApi, describeError } from "../admin-api";
import type { Releases } from "../api-types";
import { h, notice, replace } from "../dom";
import { formatNumber, formatPercent, formatTime } from "../format";
import type { PageContext } from "../page-context";

/** Renders the release list and its actions. */
export async function renderReleasesPage({ api, root }: PageContext): Promise<void> {
  root.append(h("h1", null, "Releases"));
  const panel = h("section", { class: "panel", id: "releases" });
  root.append(panel);
  await fill(api, panel);
}

/** A button that acts on its second click ("Roll back" → "Confirm roll back"). */
function confirmButton(label: string, run: () => Promise<void>, props: Record<string, unknown> = {}): HTMLButtonElement {
  let armed = false;
  const button = h("button", { type: "button", ...props }, label);
  button.addEventListener("click", async () => {
    if (!armed) {
      armed = true;
      button.textContent = `Confirm: ${label.toLowerCase()}`;
      button.classList.add("armed");
      return;
    }
    button.disabled = true;
    await run();
  });
  return button;
}

async function fill(api: AdminApi, panel: HTMLElement, message?: HTMLElement): Promise<void> {
  let answer: Releases;
  try {
    answer = await api.get<Releases>("/v1/admin/releases");
  } catch (error) {
    replace(panel, notice("error", describeError(error)));
    return;
  }
  const { pointer } = answer;
  const change = (what: string, method: "POST" | "DELETE", path: string) => async () => {
    try {
      await api.send(method, path);
      await fill(api, panel, notice("info", `${what}: done.`));
    } catch (error) {
      await fill(api, panel, notice("error", `${what}: ${describeError(error)}`));
    }
  };
  const releases = [...answer.releases].sort((a, b) => b.published_at.localeCompare(a.published_at));
  const roleOf = (id: string) =>
    id === pointer?.current ? "current" : id === pointer?.previous ? "previous" : id === pointer?.canary?.release ? "canary" : null;
  replace(
    panel,
    message ?? null,
    h(
      "div",
      { class: "toolbar" },
      h("span", { class: "meta" }, pointer ? `pointer updated ${formatTime(pointer.updated_at)}` : "No release is published."),
      pointer?.previous
        ? confirmButton(
            `Roll back to ${pointer.previous}`,
            change(`Roll back to ${pointer.previous}`, "POST", `/v1/admin/releases/${encodeURIComponent(pointer.previous)}/activate`),
            {
              id: "rollback",
            },
          )
        : h("span", { class: "meta" }, "No previous release to roll back to."),
      pointer?.canary
        ? confirmButton(
            `Stop canary ${pointer.canary.release} (${formatPercent(pointer.canary.share, 0)})`,
            change("Stop the canary", "DELETE", "/v1/admin/releases/canary"),
          )
        : null,
    ),
    releases.length === 0
      ? notice("info", "No release is registered.")
      : h(
          "table",
          { id: "release-list" },
          h(
            "thead",
            null,
            h(
              "tr",
              null,
              ...["release", "role", "published", "model", "trained on", "offline metrics", ""].map((label) => h("th", null, label)),
            ),
          ),
          h(
            "tbody",
            null,
            ...releases.map((release) => {
              const role = roleOf(release.id);
              return h(
                "tr",
                { dataset: { release: release.id }, class: role === "current" ? "current" : null },
                h("td", null, h("code", null, release.id)),
                h("td", null, role ? h("span", { class: `badge role-${role}` }, role) : "–"),
                h("td", null, formatTime(release.published_at)),
                h(
                  "td",
                  null,
                  `${release.retrieval_model}, ${release.dimensions}-d`,
                  h("div", { class: "sub" }, `${release.dataset} · spec ${release.feature_spec_hash}`),
                ),
                h("td", { class: "num" }, `${formatNumber(release.counts.items)} items · ${formatNumber(release.counts.users)} users`),
                h(
                  "td",
                  null,
                  Object.entries(release.metrics)
                    .map(([name, value]) => `${name} ${formatNumber(value, 3)}`)
                    .join(" · ") || "–",
                ),
                h(
                  "td",
                  null,
                  role === "current"
                    ? null
                    : confirmButton(
                        "Activate",
                        change(`Activate ${release.id}`, "POST", `/v1/admin/releases/${encodeURIComponent(release.id)}/activate`),
                      ),
                ),
              );
            }),
          ),
        ),
  );
}
