/**
 * Bodies are limited while they stream: a chunked body (no content-length) past a route's limit is
 * answered 413 after at most the limit plus one chunk was read — the rest is never pulled — and a
 * declared content-length over the limit is refused before reading.
 */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN, json } from "./helpers";

const CHUNK = 64 * 1024;

/** An endless JSON-ish body that counts how many bytes were pulled from it. */
function endlessBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  const chunk = new TextEncoder().encode(`[${"1,".repeat(CHUNK / 2 - 1)}`.slice(0, CHUNK));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.byteLength;
      if (pulled > 64 * 1024 * 1024) controller.close();
      else controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulled };
}

describe("request bodies", () => {
  it.each([
    ["POST", "/v1/events", 1_000_000],
    ["PUT", "/v1/users/body-u1/preferences", 16 * 1024],
    ["POST", "/v1/admin/index/vectors", 25 * 1024 * 1024],
  ])("%s %s stops reading a chunked body at its limit (413)", async (method, path, limit) => {
    const { stream, pulled } = endlessBody();
    const response = await exports.default.fetch(
      new Request(`http://edge.test${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
        body: stream,
      }),
    );
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe("payload_too_large");
    // The stream may be read ahead by a few chunks, never to its end (64 MiB).
    expect(pulled()).toBeLessThan(limit + 8 * CHUNK);
  });

  it("refuses a declared content-length over the limit before reading", async () => {
    const response = await exports.default.fetch(
      new Request("http://edge.test/v1/events", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json", "content-length": "2000000" },
        body: "x".repeat(2_000_000),
      }),
    );
    expect(response.status).toBe(413);
  });
});
