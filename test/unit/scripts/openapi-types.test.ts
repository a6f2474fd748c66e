/**
 * The committed OpenAPI document (client/openapi.json, kept equal to what the Worker serves by
 * test/workers/openapi.test.ts) is valid OpenAPI 3.1, and the typed client's types
 * (client/api-types.ts) are the ones rendered from it (refresh with `npx tsx scripts/render-api-types.ts`).
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { renderOpenApiTypes, schemaType } from "../../../scripts/openapi-types";

const client = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "client");
const document = JSON.parse(readFileSync(join(client, "openapi.json"), "utf8"));

describe("client/openapi.json", () => {
  it("is valid OpenAPI 3.1 (the specification's own JSON schema)", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });
});

describe("client/api-types.ts", () => {
  it("is rendered from client/openapi.json (run npx tsx scripts/render-api-types.ts)", () => {
    expect(readFileSync(join(client, "api-types.ts"), "utf8")).toBe(renderOpenApiTypes(document));
  });
});

describe("schemaType", () => {
  it.each([
    [{ type: "string" }, "string"],
    [{ type: "integer", minimum: 1 }, "number"],
    [{ type: ["string", "null"] }, "string | null"],
    [{ anyOf: [{ type: "number" }, { type: "null" }] }, "number | null"],
    [{ enum: ["a", "b"] }, '"a" | "b"'],
    [{ const: true }, "true"],
    [{ $ref: "#/components/schemas/ApiError" }, 'components["schemas"]["ApiError"]'],
    [{ type: "array", items: { type: "string" } }, "string[]"],
    [{ type: "array", items: { anyOf: [{ type: "string" }, { type: "number" }] } }, "(string | number)[]"],
    [{ type: "object", additionalProperties: { type: "number" } }, "{\n  [key: string]: number;\n}"],
    [
      {
        type: "object",
        properties: { id: { type: "string" }, n: { type: "number", description: "How many." } },
        required: ["id"],
        additionalProperties: false,
      },
      "{\n  id: string;\n  /** How many. */\n  n?: number;\n}",
    ],
    // As openapi-typescript: no index signature unless the schema allows other properties (zod's looseObject).
    [{ type: "object", properties: { a: { type: "boolean" } }, required: ["a"] }, "{\n  a: boolean;\n}"],
    [
      { type: "object", properties: { a: { type: "boolean" } }, required: ["a"], additionalProperties: {} },
      "{\n  a: boolean;\n  [key: string]: unknown;\n}",
    ],
    [{}, "unknown"],
  ])("%j → %s", (schema, expected) => {
    expect(schemaType(schema)).toBe(expected);
  });
});
