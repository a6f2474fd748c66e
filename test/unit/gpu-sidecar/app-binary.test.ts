/**
 * The binary encoding of `POST /v1/rank` (`content-type: application/octet-stream`: the body is
 * the row-major little-endian float32 feature matrix, metadata in `x-*` headers): the same scores
 * as the JSON encoding, the same error codes for the same mistakes (never a 500 for client input),
 * and the binary answer with `accept: application/octet-stream`.
 */
import { describe, expect, it, vi } from "vitest";
import type { RankResponseBody, SidecarAppDeps } from "../../../gpu-sidecar/app";
import { createRankBatcher } from "../../../gpu-sidecar/batching/rank-batcher";
import { readBinaryFeatureRows } from "../../../gpu-sidecar/rank-request";
import { FEATURE_SPEC } from "../../../shared/features/feature-spec";
import { scoreLinear } from "../../../shared/ranking/linear-ranker";
import { fixtureRows } from "../../support/ranker-fixture";
import { useFixtureSidecarApp, withToken } from "../../support/sidecar-app-fixture";
import { decodeScores, encodeRows } from "../../support/float32-bytes";

const OCTET = "application/octet-stream";

describe("sidecar app, binary encoding", () => {
  const { model, appWith } = useFixtureSidecarApp("bin-v1");
  const postBinary = (body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}, deps: Partial<SidecarAppDeps> = {}) =>
    appWith(deps).request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": OCTET, "x-feature-spec-hash": FEATURE_SPEC.hash, ...headers },
        body,
      }),
    );
  const postJson = (body: unknown) =>
    appWith().request(
      "/v1/rank",
      withToken({ method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
    );
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    return body.error.message;
  };

  it("scores a binary body exactly like the same rows sent as JSON, answering JSON by default", async () => {
    const rows = fixtureRows(37);
    const binary = await postBinary(encodeRows(rows));
    expect(binary.status).toBe(200);
    expect(binary.headers.get("content-type")).toMatch(/^application\/json/);
    const fromBinary = (await binary.json()) as RankResponseBody;
    const fromJson = (await (await postJson({ feature_spec_hash: FEATURE_SPEC.hash, rows })).json()) as RankResponseBody;
    expect(fromBinary.scores).toHaveLength(37);
    expect(fromBinary.scores).toEqual(fromJson.scores);
    expect(fromBinary).toMatchObject({ model_version: "bin-v1", provider: "cpu", batch: { rows: 37, requests: 1 } });
    fromBinary.scores.forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
    });
  });

  it("answers float32 scores with x-model-version and x-provider to accept: application/octet-stream", async () => {
    const rows = fixtureRows(5, 99);
    const response = await postBinary(encodeRows(rows), { accept: OCTET });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(OCTET);
    expect(response.headers.get("x-model-version")).toBe("bin-v1");
    expect(response.headers.get("x-provider")).toBe("cpu");
    expect(response.headers.get("x-batch")).toBe("rows=5, requests=1");
    expect(response.headers.get("x-timings-ms")).toMatch(/^queue=[\d.]+, inference=[\d.]+$/);
    const bytes = await response.arrayBuffer();
    expect(bytes.byteLength).toBe(5 * 4);
    const fromJson = (await (await postJson({ feature_spec_hash: FEATURE_SPEC.hash, rows })).json()) as RankResponseBody;
    expect(decodeScores(bytes)).toEqual(fromJson.scores);
  });

  it("answers binary scores to a JSON request that accepts them", async () => {
    const rows = fixtureRows(3);
    const response = await appWith().request(
      "/v1/rank",
      withToken({
        method: "POST",
        headers: { "content-type": "application/json", accept: `${OCTET}, application/json;q=0.5` },
        body: JSON.stringify({ feature_spec_hash: FEATURE_SPEC.hash, rows }),
      }),
    );
    expect(response.headers.get("content-type")).toBe(OCTET);
    decodeScores(await response.arrayBuffer()).forEach((score, i) => {
      expect(score).toBeCloseTo(scoreLinear(model, rows[i]!), 5);
    });
  });

  it("answers an empty body as zero rows, like an empty JSON row list", async () => {
    const response = await postBinary(new Uint8Array(0));
    expect(response.status).toBe(200);
    expect(((await response.json()) as RankResponseBody).scores).toEqual([]);
    const binary = await postBinary(new Uint8Array(0), { accept: OCTET });
    expect(binary.status).toBe(200);
    expect((await binary.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([1, 3, FEATURE_SPEC.size * 4 - 1, FEATURE_SPEC.size * 4 + 4, FEATURE_SPEC.size * 4 * 2 + 2])(
    "answers 400 invalid_features to a body of %i bytes (not whole rows)",
    async (length) => {
      const message = await expectError(await postBinary(new Uint8Array(length)), 400, "invalid_features");
      expect(message).toContain(`${length} bytes, not a multiple of ${FEATURE_SPEC.size * 4}`);
    },
  );

  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
  ])("answers 400 invalid_features naming the row and column of %s", async (name, value) => {
    const rows = fixtureRows(4);
    rows[2]![3] = value;
    const message = await expectError(await postBinary(encodeRows(rows)), 400, "invalid_features");
    expect(message).toBe(`rows[2][3] is ${name}, not a finite float32 number`);
  });

  it("finds a non-finite value anywhere, down to the last one", async () => {
    const rows = fixtureRows(3);
    rows[2]![FEATURE_SPEC.size - 1] = Number.NaN;
    const message = await expectError(await postBinary(encodeRows(rows)), 400, "invalid_features");
    expect(message).toBe(`rows[2][${FEATURE_SPEC.size - 1}] is NaN, not a finite float32 number`);
  });

  it("answers 400 invalid_request without the x-feature-spec-hash header, or with an empty one", async () => {
    const body = encodeRows(fixtureRows(2));
    const missing = await appWith().request("/v1/rank", withToken({ method: "POST", headers: { "content-type": OCTET }, body }));
    expect(await expectError(missing, 400, "invalid_request")).toContain("x-feature-spec-hash");
    await expectError(await postBinary(body, { "x-feature-spec-hash": " " }), 400, "invalid_request");
  });

  it("answers 409 feature_spec_mismatch, as for JSON, when the hash differs from the model's", async () => {
    const rows = fixtureRows(2);
    const binary = await expectError(
      await postBinary(encodeRows(rows), { "x-feature-spec-hash": "deadbeef" }),
      409,
      "feature_spec_mismatch",
    );
    const json = await expectError(await postJson({ feature_spec_hash: "deadbeef", rows }), 409, "feature_spec_mismatch");
    expect(binary).toBe(json);
  });

  it("answers 413 too_many_rows above maxRows, as for JSON", async () => {
    const ok = await postBinary(encodeRows(fixtureRows(3)), {}, { maxRows: 3 });
    expect(ok.status).toBe(200);
    const message = await expectError(await postBinary(encodeRows(fixtureRows(4)), {}, { maxRows: 3 }), 413, "too_many_rows");
    expect(message).toBe("4 rows in one request; at most 3 are accepted (SIDECAR_MAX_ROWS)");
  });

  it("answers 413 payload_too_large to a body far beyond what maxRows needs, streamed or with a content-length", async () => {
    await expectError(await postBinary(new Uint8Array(200_000), {}, { maxRows: 1 }), 413, "payload_too_large");
    await expectError(await postBinary(new Uint8Array(200_000), { "content-length": "200000" }, { maxRows: 1 }), 413, "payload_too_large");
    const rows = fixtureRows(2);
    const body = encodeRows(rows);
    const ok = await postBinary(body, { "content-length": String(body.byteLength), accept: OCTET });
    expect(ok.status).toBe(200);
    expect((await ok.arrayBuffer()).byteLength).toBe(8);
  });

  it.each(["0", "-5", "soon", ""])("answers 400 invalid_request to x-timeout-ms %j", async (value) => {
    const message = await expectError(await postBinary(encodeRows(fixtureRows(1)), { "x-timeout-ms": value }), 400, "invalid_request");
    expect(message).toContain("x-timeout-ms");
  });

  it("hands x-timeout-ms to the batcher as the request's deadline", async () => {
    const batcher = createRankBatcher({ config: { maxQueueDelayMs: 0 } });
    const submit = vi.spyOn(batcher, "submit");
    const response = await postBinary(encodeRows(fixtureRows(2)), { "x-timeout-ms": "250" }, { batcher });
    expect(response.status).toBe(200);
    expect(submit).toHaveBeenCalledWith(expect.objectContaining({ rows: 2, timeoutMs: 250 }));
    await batcher.drain();
  });

  it("views an aligned body without copying it, and copies an unaligned one", () => {
    const rows = fixtureRows(2);
    const bytes = encodeRows(rows);
    const view = readBinaryFeatureRows(bytes, FEATURE_SPEC.size);
    expect(view.buffer).toBe(bytes.buffer);
    const shifted = new Uint8Array(bytes.byteLength + 1);
    shifted.set(bytes, 1);
    const unaligned = readBinaryFeatureRows(shifted.subarray(1), FEATURE_SPEC.size);
    expect(unaligned.buffer).not.toBe(shifted.buffer);
    expect(Array.from(unaligned)).toEqual(Array.from(view));
    expect(Array.from(view)).toEqual(rows.flat().map(Math.fround));
  });
});
