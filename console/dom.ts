/**
 * A tiny element builder: `h("td", { class: "num" }, "42")`. Text is always set as text nodes,
 * never parsed as HTML, so item titles and API messages cannot inject markup.
 */

/** What an element's children may be; falsy values are skipped, arrays flattened. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

/** Attributes, `class`, `on<event>` listeners and `dataset` entries of an element. */
export type Props = Record<string, unknown>;

/** Creates an element with `props` and `children`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    } else if (key === "class") {
      element.className = String(value);
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (key === "value" && "value" in element) {
      (element as HTMLInputElement).value = String(value);
    } else {
      element.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends `children` to `parent`. */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces everything in `parent` with `children`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** A table with a header row; `rows` are arrays of cells (a cell may be an element). */
export function table(headers: readonly string[], rows: readonly (readonly Child[])[], props?: Props): HTMLTableElement {
  return h(
    "table",
    props,
    h("thead", null, h("tr", null, ...headers.map((header) => h("th", null, header)))),
    h(
      "tbody",
      null,
      ...rows.map((cells) => h("tr", null, ...cells.map((cell) => (cell instanceof HTMLTableCellElement ? cell : h("td", null, cell))))),
    ),
  );
}

/** A short message box: `info`, `warn` or `error`. */
export function notice(kind: "info" | "warn" | "error", ...children: Child[]): HTMLElement {
  return h("p", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}
