/**
 * The operator console's entry point (served at /console/, docs/console.md): sign-in, the page
 * shell with its navigation, and the hash router that renders one page at a time. All data comes
 * from the Worker's JSON API with the admin key (admin-api.ts).
 */
import { type AdminApi, adminApi, describeError } from "./admin-api";
import { forgetAdminKey, readAdminKey } from "./admin-key";
import { PAGES, type PageName, parseLocation } from "./console-location";
import { h, notice, replace } from "./dom";
import { renderExperimentsPage } from "./experiments/experiments-page";
import { renderItemsPage } from "./items/items-page";
import { renderOverviewPage } from "./overview/overview-page";
import type { PageContext } from "./page-context";
import { renderReleasesPage } from "./releases/releases-page";
import { renderSignIn } from "./sign-in";
import { renderUsersPage } from "./users/users-page";

const PAGE_RENDERERS: Record<PageName, (context: PageContext) => Promise<void>> = {
  overview: renderOverviewPage,
  users: renderUsersPage,
  items: renderItemsPage,
  experiments: renderExperimentsPage,
  releases: renderReleasesPage,
};

const PAGE_TITLES: Record<PageName, string> = {
  overview: "Overview",
  users: "Users",
  items: "Items",
  experiments: "Experiments",
  releases: "Releases",
};

const app = document.getElementById("app")!;
/** Stops the signed-in console's listeners on sign-out. */
let session: AbortController | null = null;

function signIn(message?: string): void {
  session?.abort();
  session = null;
  document.title = "Sign in · edge-recs console";
  renderSignIn(app, startConsole, message);
}

function signOut(message?: string): void {
  forgetAdminKey();
  signIn(message);
}

function startConsole(key: string): void {
  session?.abort();
  session = new AbortController();
  const { signal } = session;
  const api: AdminApi = adminApi(key, { onUnauthorized: () => signOut("The Worker refused the key; sign in again.") });
  const links = PAGES.map((page) => h("a", { href: `#/${page}`, dataset: { page } }, PAGE_TITLES[page]));
  const main = h("main", { id: "page", "aria-busy": "true" });
  replace(
    app,
    h(
      "header",
      { class: "shell" },
      h("a", { class: "brand", href: "#/overview" }, "edge-recs"),
      h("nav", { "aria-label": "Console pages" }, ...links),
      h("button", { type: "button", class: "sign-out", onclick: () => signOut() }, "Sign out"),
    ),
    main,
  );
  let renders = 0;
  const route = async () => {
    const location = parseLocation(window.location.hash);
    const render = ++renders;
    for (const link of links) link.classList.toggle("active", link.dataset.page === location.page);
    document.title = `${PAGE_TITLES[location.page]} · edge-recs console`;
    const root = h("section", { class: "page", dataset: { page: location.page } });
    replace(main, root);
    main.setAttribute("aria-busy", "true");
    try {
      await PAGE_RENDERERS[location.page]({
        api,
        root,
        param: location.param,
        query: location.query,
        navigate: (hash) => {
          window.location.hash = hash;
        },
      });
    } catch (error) {
      root.append(notice("error", describeError(error)));
    } finally {
      if (render === renders) main.setAttribute("aria-busy", "false");
    }
  };
  window.addEventListener("hashchange", () => void route(), { signal });
  void route();
}

const key = readAdminKey();
if (key) startConsole(key);
else signIn();
