/**
 * User tokens as `npm run token` mints them: HS256 JWTs that `verify` from hono/jwt accepts with
 * the secret (and refuses with another), carrying {sub, iat, exp, scope?}; impossible requests are
 * refused with a message. The CLI prints only the token, reading the secret from `.dev.vars`.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { verify } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { mintUserToken } from "../../../scripts/user-token";
import { tempFolder } from "../../support/ranker-fixture";

const SECRET = "unit-test-user-token-secret-0123456789";
const NOW = 1_767_225_600;
const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("mintUserToken", () => {
  it("signs HS256 claims {sub, iat, exp} that verify with the secret", async () => {
    const token = await mintUserToken({ secret: SECRET, userId: "u00042", nowSeconds: NOW });
    expect(JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString())).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = await verify(token, SECRET, { alg: "HS256", exp: false });
    expect(claims).toEqual({ sub: "u00042", iat: NOW, exp: NOW + 3600 });
  });

  it("carries the lifetime and the scope asked for", async () => {
    const token = await mintUserToken({
      secret: SECRET,
      userId: "u1",
      nowSeconds: NOW,
      ttlSeconds: 86_400,
      scope: "recommendations:read  events:write",
    });
    expect(await verify(token, SECRET, { alg: "HS256", exp: false })).toEqual({
      sub: "u1",
      iat: NOW,
      exp: NOW + 86_400,
      scope: "recommendations:read events:write",
    });
  });

  it("is valid now when minted now, and refused with another secret", async () => {
    const token = await mintUserToken({ secret: SECRET, userId: "u1" });
    await expect(verify(token, SECRET, "HS256")).resolves.toMatchObject({ sub: "u1" });
    await expect(verify(token, `${SECRET}-other`, "HS256")).rejects.toThrow();
  });

  it.each([
    [{ ttlSeconds: 86_401 }, "the lifetime must be at most 86400 seconds"],
    [{ ttlSeconds: 0 }, "the lifetime must be at least 1 second"],
    [{ userId: " " }, "the user id must not be empty"],
    [{ scope: "read everything" }, '--scope must be space-separated "resource:action" words'],
    [{ secret: "short" }, "USER_TOKEN_SECRET must be at least 16 characters"],
  ])("refuses %o", async (override, message) => {
    await expect(mintUserToken({ secret: SECRET, userId: "u1", ...override })).rejects.toThrow(message);
  });
});

describe("npm run token (scripts/mint-user-token.ts)", () => {
  const run = (args: string[], env: Record<string, string> = {}) => {
    const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => key !== "USER_TOKEN_SECRET"));
    return promisify(execFile)(process.execPath, ["--import", "tsx", "scripts/mint-user-token.ts", ...args], {
      cwd: REPO_ROOT,
      env: { ...baseEnv, ...env },
      timeout: 30_000,
    });
  };

  it("prints only a token signed with USER_TOKEN_SECRET from .dev.vars", async () => {
    const folder = await tempFolder("mint-token-");
    try {
      const devVars = join(folder.path, ".dev.vars");
      await writeFile(devVars, `ADMIN_TOKEN=x\nUSER_TOKEN_SECRET=${SECRET}\n`);
      const { stdout } = await run(["--user", "u00042", "--ttl-seconds", "600", "--scope", "recommendations:read", "--dev-vars", devVars]);
      expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
      const claims = await verify(stdout.trim(), SECRET, "HS256");
      expect(claims).toMatchObject({ sub: "u00042", scope: "recommendations:read" });
      expect(claims.exp! - claims.iat!).toBe(600);
    } finally {
      await folder.remove();
    }
  });

  it("prefers the USER_TOKEN_SECRET environment variable, and fails clearly without any secret", async () => {
    const { stdout } = await run(["--user", "u7", "--dev-vars", "/nonexistent/.dev.vars"], { USER_TOKEN_SECRET: SECRET });
    expect(await verify(stdout.trim(), SECRET, "HS256")).toMatchObject({ sub: "u7" });
    await expect(run(["--user", "u7", "--dev-vars", "/nonexistent/.dev.vars"])).rejects.toMatchObject({
      code: 1,
      stdout: "",
      stderr: expect.stringContaining("token: no USER_TOKEN_SECRET"),
    });
  });
});
