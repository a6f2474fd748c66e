/**
 * The sign-in form: the admin key is typed once, checked against an admin-only route
 * (`GET /v1/admin/releases`) and kept in sessionStorage for this tab (admin-key.ts). Nothing is
 * requested from the Worker before a key is given.
 */
import { ApiError, adminApi, describeError } from "./admin-api";
import { storeAdminKey } from "./admin-key";
import { h, notice, replace } from "./dom";

/** Renders the sign-in form into `root`; `onSignedIn` gets the accepted key. */
export function renderSignIn(root: HTMLElement, onSignedIn: (key: string) => void, message?: string): void {
  const input = h("input", {
    id: "admin-key",
    name: "admin-key",
    type: "password",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
    placeholder: "ADMIN_TOKEN",
  });
  const status = h("div", { class: "sign-in-status" }, message ? notice("warn", message) : null);
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h(
    "form",
    { class: "sign-in", "aria-label": "Sign in" },
    h("h1", null, "edge-recs console"),
    h("label", { for: "admin-key" }, "Admin key"),
    input,
    button,
    status,
    h(
      "p",
      { class: "hint" },
      "The key stays in this tab only (sessionStorage) and is sent as Authorization: Bearer to the Worker's admin API. Locally: ",
      h("code", null, "grep ^ADMIN_TOKEN= .dev.vars"),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    replace(status, notice("info", "Checking the key…"));
    try {
      await adminApi(key).get("/v1/admin/releases");
      storeAdminKey(key);
      onSignedIn(key);
    } catch (error) {
      const text =
        error instanceof ApiError && error.status === 401
          ? "The Worker refused this key."
          : error instanceof ApiError && error.status === 403
            ? "This credential has no admin scope."
            : describeError(error);
      replace(status, notice("error", text));
      button.disabled = false;
    }
  });
  replace(root, form);
  input.focus();
}
