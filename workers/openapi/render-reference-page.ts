/**
 * The API reference page (`GET /docs`): the OpenAPI document rendered on the server as one HTML
 * page — every operation with who may call it, its parameters, request body and responses, then the
 * shared schemas and error responses. No script and nothing fetched from elsewhere, so it works
 * offline and under any content security policy.
 */

/** The subset of an OpenAPI 3.1 document the page reads. */
export interface ReferenceDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, ReferenceOperation | undefined> | undefined>;
  components?: { schemas?: Record<string, unknown>; responses?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

interface ReferenceOperation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, string[]>[];
  "x-required-scope"?: string;
  parameters?: { name?: string; in?: string; required?: boolean; description?: string; schema?: unknown; $ref?: string }[];
  requestBody?: { description?: string; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; $ref?: string; content?: Record<string, { schema?: unknown }> }>;
}

const METHODS = ["get", "put", "post", "delete", "patch"] as const;

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");

/** Inline `code` spans of the document's Markdown-ish prose, everything else escaped. */
const prose = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

const anchor = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-");

/** A schema as indented JSON, its `$ref`s linked to the components section. */
function schemaBlock(schema: unknown): string {
  const json = escapeHtml(JSON.stringify(schema, null, 2));
  return `<pre>${json.replace(/&quot;#\/components\/(schemas|responses)\/([A-Za-z0-9_.-]+)&quot;/g, (_, kind: string, name: string) => `&quot;<a href="#${kind}-${anchor(name)}">#/components/${kind}/${name}</a>&quot;`)}</pre>`;
}

function typeOf(schema: unknown): string {
  if (typeof schema !== "object" || schema === null) return "";
  const { type, enum: values, format } = schema as { type?: unknown; enum?: unknown[]; format?: string };
  if (Array.isArray(values)) return values.map((value) => JSON.stringify(value)).join(" | ");
  return [typeof type === "string" ? type : Array.isArray(type) ? type.join(" | ") : "", format ? `(${format})` : ""].join(" ").trim();
}

function renderOperation(method: string, path: string, op: ReferenceOperation): string {
  const id = anchor(`${method} ${path}`);
  const parameters = op.parameters ?? [];
  const parts = [
    `<section class="op" id="${id}"><h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    op.summary ? `<p><strong>${prose(op.summary)}</strong></p>` : "",
    op.description ? `<p>${prose(op.description)}</p>` : "",
    `<p>Access: <code>${escapeHtml(op["x-required-scope"] ?? "public")}</code>${
      op.security?.length ? ` — ${op.security.map((requirement) => Object.keys(requirement).join(" + ")).join(" or ")}` : ""
    }</p>`,
  ];
  if (parameters.length > 0) {
    parts.push(
      "<h4>Parameters</h4><table><tr><th>name</th><th>in</th><th>required</th><th>schema</th></tr>",
      ...parameters.map(
        (parameter) =>
          `<tr><td><code>${escapeHtml(parameter.name ?? parameter.$ref ?? "")}</code></td><td>${escapeHtml(parameter.in ?? "")}</td><td>${
            parameter.required ? "yes" : "no"
          }</td><td><code>${escapeHtml(typeOf(parameter.schema))}</code> ${escapeHtml(JSON.stringify(parameter.schema ?? {}))}${
            parameter.description ? `<br>${prose(parameter.description)}` : ""
          }</td></tr>`,
      ),
      "</table>",
    );
  }
  if (op.requestBody?.content) {
    parts.push("<h4>Request body</h4>", op.requestBody.description ? `<p>${prose(op.requestBody.description)}</p>` : "");
    for (const [media, { schema }] of Object.entries(op.requestBody.content))
      parts.push(`<p><code>${escapeHtml(media)}</code></p>`, schemaBlock(schema));
  }
  parts.push("<h4>Responses</h4>");
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    if (response.$ref) {
      const name = response.$ref.split("/").pop() ?? "";
      parts.push(`<p><code>${escapeHtml(status)}</code> <a href="#responses-${anchor(name)}">${escapeHtml(name)}</a></p>`);
      continue;
    }
    parts.push(`<p><code>${escapeHtml(status)}</code> ${prose(response.description ?? "")}</p>`);
    for (const [media, { schema }] of Object.entries(response.content ?? {}))
      parts.push(`<p><code>${escapeHtml(media)}</code></p>`, schemaBlock(schema));
  }
  parts.push("</section>");
  return parts.join("\n");
}

/** The reference page of `document`. */
export function renderReferencePage(document: ReferenceDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: ReferenceOperation }[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? "other";
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  const tags = [...byTag.keys()];
  const components = document.components ?? {};
  const componentSection = (kind: "schemas" | "responses" | "securitySchemes", title: string) =>
    Object.keys(components[kind] ?? {}).length === 0
      ? ""
      : `<h2 id="${kind}">${title}</h2>${Object.entries(components[kind] ?? {})
          .map(
            ([name, value]) =>
              `<section id="${kind}-${anchor(name)}"><h3><code>${escapeHtml(name)}</code></h3>${schemaBlock(value)}</section>`,
          )
          .join("\n")}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} — reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70rem;padding:1rem 2rem;color:#1b1b1b}
nav ul{columns:2;padding-left:1rem}code,pre{font:13px/1.4 ui-monospace,monospace}pre{background:#f5f5f5;padding:.6rem;overflow:auto;max-height:28rem}
.op{border-top:1px solid #ddd;padding-top:.5rem}.method{font:bold 13px ui-monospace,monospace;padding:.1rem .4rem;border-radius:3px;color:#fff;background:#555}
.get{background:#2f6f3e}.post{background:#1f5d99}.put{background:#8a5a00}.delete{background:#9b2c2c}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;vertical-align:top}
</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>v${escapeHtml(document.info.version)}</small></h1>
${document.info.description ? `<p>${prose(document.info.description)}</p>` : ""}
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav><ul>${tags
    .map(
      (tag) =>
        `<li><a href="#tag-${anchor(tag)}">${escapeHtml(tag)}</a><ul>${(byTag.get(tag) ?? [])
          .map(({ method, path }) => `<li><a href="#${anchor(`${method} ${path}`)}">${method.toUpperCase()} ${escapeHtml(path)}</a></li>`)
          .join("")}</ul></li>`,
    )
    .join("")}</ul></nav>
${tags
  .map(
    (tag) =>
      `<h2 id="tag-${anchor(tag)}">${escapeHtml(tag)}</h2>\n${(byTag.get(tag) ?? []).map(({ method, path, op }) => renderOperation(method, path, op)).join("\n")}`,
  )
  .join("\n")}
${componentSection("securitySchemes", "Credentials")}
${componentSection("responses", "Error responses")}
${componentSection("schemas", "Schemas")}
</body></html>
`;
}
