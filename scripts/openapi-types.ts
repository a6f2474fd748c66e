/**
 * Renders an OpenAPI 3.1 document as TypeScript types in the shape openapi-fetch reads (`paths`,
 * `operations`, `components`, as openapi-typescript lays them out), for client/api-types.ts.
 * openapi-typescript itself builds its output with the TypeScript compiler API, which TypeScript 7
 * (this repository's compiler) no longer has; the document's schemas are the JSON Schema subset zod
 * emits, which this covers: `$ref`, `const`, `enum`, `anyOf`/`oneOf`/`allOf`, objects (properties,
 * `required`, `additionalProperties`), arrays and the scalar types. Anything else renders as `unknown`.
 */

/** A JSON Schema as the document holds it. */
type Schema = boolean | { [keyword: string]: unknown };

interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: Schema }[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { $ref?: string; description?: string; content?: Record<string, { schema?: Schema }> }>;
}

/** The parts of a document the types come from. */
export interface OpenApiDocumentForTypes {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema>; responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> };
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const PARAMETER_PLACES = ["query", "header", "path", "cookie"] as const;

const propertyKey = (key: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key));

const comment = (text: string | undefined, pad: string) =>
  text ? `${pad}/** ${text.replaceAll("*/", "*\\/").replaceAll("\n", " ")} */\n` : "";

function refType(ref: string): string {
  const match = /^#\/components\/(schemas|responses|parameters)\/(.+)$/.exec(ref);
  if (!match) return "unknown";
  return `components[${JSON.stringify(match[1])}][${JSON.stringify(match[2]!.replaceAll("~1", "/").replaceAll("~0", "~"))}]`;
}

const union = (types: string[]) => {
  const distinct = [...new Set(types)];
  return distinct.length === 1
    ? distinct[0]!
    : distinct.map((type) => (type.includes("\n") || type.includes("&") ? `(${type})` : type)).join(" | ");
};

function objectType(schema: Record<string, unknown>, pad: string): string {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const inner = `${pad}  `;
  const lines = Object.entries(properties).map(([key, value]) => {
    const description = typeof value === "object" ? (value.description as string | undefined) : undefined;
    return `${comment(description, inner)}${inner}${propertyKey(key)}${required.has(key) ? "" : "?"}: ${schemaType(value, inner)};`;
  });
  const additional = schema.additionalProperties as Schema | undefined;
  if (additional !== undefined && additional !== false) {
    lines.push(
      `${inner}[key: string]: ${additional === true || Object.keys(additional).length === 0 ? "unknown" : schemaType(additional, inner)};`,
    );
  } else if (additional === undefined && lines.length === 0) {
    lines.push(`${inner}[key: string]: unknown;`);
  }
  return lines.length === 0 ? "Record<string, never>" : `{\n${lines.join("\n")}\n${pad}}`;
}

/** The TypeScript type of one schema; `pad` is the indentation of the line it starts on. */
export function schemaType(schema: Schema | undefined, pad = ""): string {
  if (schema === undefined || schema === true) return "unknown";
  if (schema === false) return "never";
  if (typeof schema.$ref === "string") return refType(schema.$ref);
  if ("const" in schema) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map((value) => JSON.stringify(value)));
  for (const keyword of ["anyOf", "oneOf"]) {
    if (Array.isArray(schema[keyword])) return union((schema[keyword] as Schema[]).map((member) => schemaType(member, pad)));
  }
  if (Array.isArray(schema.allOf)) return (schema.allOf as Schema[]).map((member) => schemaType(member, pad)).join(" & ");
  const { type } = schema;
  if (Array.isArray(type)) return union(type.map((one) => schemaType({ ...schema, type: one }, pad)));
  switch (type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "null":
      return "null";
    case "array": {
      const items = schemaType(schema.items as Schema | undefined, pad);
      return /^[\w".[\]]+$/.test(items) ? `${items}[]` : `(${items})[]`;
    }
    case "object":
      return objectType(schema, pad);
    default:
      return schema.properties ? objectType(schema, pad) : "unknown";
  }
}

function contentType(content: Record<string, { schema?: Schema }> | undefined, pad: string): string {
  const entries = Object.entries(content ?? {});
  if (entries.length === 0) return "never";
  const inner = `${pad}  `;
  return `{\n${entries
    .map(([media, { schema }]) => {
      const binary = typeof schema === "object" && schema.type === "string" && schema.format === "binary";
      return `${inner}${JSON.stringify(media)}: ${binary ? "string" : schemaType(schema, inner)};`;
    })
    .join("\n")}\n${pad}}`;
}

function operationType(operation: Operation, pad: string): string {
  const inner = `${pad}  `;
  const deeper = `${inner}  `;
  const parameters = PARAMETER_PLACES.map((place) => {
    const inPlace = (operation.parameters ?? []).filter((parameter) => parameter.in === place);
    if (inPlace.length === 0) return `${deeper}${place}?: never;`;
    const anyRequired = inPlace.some((parameter) => parameter.required);
    const members = inPlace.map(
      (parameter) =>
        `${comment(parameter.description, `${deeper}  `)}${deeper}  ${propertyKey(parameter.name)}${parameter.required ? "" : "?"}: ${schemaType(parameter.schema, `${deeper}  `)};`,
    );
    return `${deeper}${place}${anyRequired ? "" : "?"}: {\n${members.join("\n")}\n${deeper}};`;
  });
  const body = operation.requestBody
    ? `${inner}requestBody${operation.requestBody.required ? "" : "?"}: {\n${deeper}content: ${contentType(operation.requestBody.content, deeper)};\n${inner}};`
    : `${inner}requestBody?: never;`;
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => {
    const key = /^\d+$/.test(status) ? status : JSON.stringify(status);
    if (response.$ref) return `${comment(response.description, deeper)}${deeper}${key}: ${refType(response.$ref)};`;
    return `${comment(response.description, deeper)}${deeper}${key}: {\n${deeper}  headers: { [name: string]: unknown };\n${deeper}  content: ${contentType(response.content, `${deeper}  `)};\n${deeper}};`;
  });
  return `{\n${inner}parameters: {\n${parameters.join("\n")}\n${inner}};\n${body}\n${inner}responses: {\n${responses.join("\n")}\n${inner}};\n${pad}}`;
}

const operationName = (path: string, method: string, operation: Operation) => operation.operationId ?? `${method} ${path}`;

/** client/api-types.ts for `document`. */
export function renderOpenApiTypes(document: OpenApiDocumentForTypes): string {
  const paths: string[] = [];
  const operations: string[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    const methods = METHODS.filter((method) => item[method]);
    paths.push(
      `  ${JSON.stringify(path)}: {\n${methods
        .map((method) => {
          const operation = item[method]!;
          const name = operationName(path, method, operation);
          operations.push(`${comment(operation.summary, "  ")}  ${propertyKey(name)}: ${operationType(operation, "  ")};`);
          return `${comment(operation.summary, "    ")}    ${method}: operations[${JSON.stringify(name)}];`;
        })
        .join("\n")}\n  };`,
    );
  }
  const schemas = Object.entries(document.components?.schemas ?? {}).map(
    ([name, schema]) =>
      `${comment(typeof schema === "object" ? (schema.description as string | undefined) : undefined, "    ")}    ${propertyKey(name)}: ${schemaType(schema, "    ")};`,
  );
  const responses = Object.entries(document.components?.responses ?? {}).map(
    ([name, response]) =>
      `    ${propertyKey(name)}: {\n      headers: { [name: string]: unknown };\n      content: ${contentType(response.content, "      ")};\n    };`,
  );
  return `/**
 * The API's types, generated from client/openapi.json by \`npx tsx scripts/render-api-types.ts\`: do not
 * edit. openapi-fetch reads \`paths\` (client/edge-recs-client.ts).
 */
export interface paths {
${paths.join("\n")}
}

export interface components {
  schemas: {
${schemas.join("\n")}
  };
  responses: {
${responses.join("\n")}
  };
}

export interface operations {
${operations.join("\n")}
}
`;
}
