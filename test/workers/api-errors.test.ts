/** Bad input anywhere in the API gets a 4xx JSON error with a machine-readable code, never a 5xx. */
import { describe, expect, it } from "vitest";
import { call, callAnonymous, json } from "./helpers";

describe("API errors", () => {
  it.each([
    ["/v1/recommendations", 400, "invalid_request"],
    ["/v1/recommendations?user_id=", 400, "invalid_request"],
    ["/v1/recommendations?user_id=u1&n=0", 400, "invalid_request"],
    ["/v1/recommendations?user_id=u1&n=abc", 400, "invalid_request"],
    ["/v1/recommendations?user_id=u1&n=101", 400, "invalid_request"],
    ["/v1/recommendations?user_id=u1&surface=tv", 400, "invalid_request"],
    [`/v1/recommendations?user_id=${"x".repeat(65)}`, 400, "invalid_request"],
    ["/v1/items/bad%20id/similar", 400, "invalid_request"],
    ["/v1/items/i1/similar?n=-3", 400, "invalid_request"],
    ["/v1/trending?n=100000", 400, "invalid_request"],
    ["/v1/nope", 404, "not_found"],
  ])("GET %s → %i %s", async (path, status, code) => {
    const response = await call(path);
    expect(response.status).toBe(status);
    const body = await json(response);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toEqual(expect.any(String));
  });

  it("echoes a request id header", async () => {
    const response = await call("/healthz", { headers: { "x-request-id": "client-req-12345" } });
    expect(response.headers.get("x-request-id")).toBe("client-req-12345");
  });
});

describe("admin routes", () => {
  it.each([
    ["no header", {}],
    ["a wrong token", { authorization: "Bearer not-the-token" }],
    ["a different scheme", { authorization: "Basic dGVzdA==" }],
  ])("refuse %s with 401", async (_, headers) => {
    const response = await callAnonymous("/v1/admin/index", { headers });
    expect(response.status).toBe(401);
    expect((await json(response)).error.code).toBe("unauthorized");
  });
});
