/** `.dev.vars` as npm start writes and completes it: fresh secrets, missing ones appended, existing values never rewritten. */
import { describe, expect, it } from "vitest";
import { completeDevVars, DEV_SECRETS, parseDevVars, randomHexSecret } from "../../../scripts/dev-vars";

/** Deterministic "random" values: secret-1, secret-2, … */
function counter() {
  let n = 0;
  return () => `secret-${++n}`;
}

describe("completeDevVars", () => {
  it("writes a new file with every secret npm start needs", () => {
    const { text, vars, added } = completeDevVars(undefined, { generate: counter() });
    expect(added).toEqual(["ADMIN_TOKEN", "RANKER_TOKEN", "USER_TOKEN_SECRET"]);
    expect(vars).toEqual({ ADMIN_TOKEN: "secret-1", RANKER_TOKEN: "secret-2", USER_TOKEN_SECRET: "secret-3" });
    expect(text.startsWith("# Local secrets for wrangler dev")).toBe(true);
    expect(text.endsWith("USER_TOKEN_SECRET=secret-3\n")).toBe(true);
  });

  it("appends only the secrets an older file lacks, keeping its lines and values byte for byte", () => {
    const old = "# Local secrets for wrangler dev (written by npm start; not committed).\nADMIN_TOKEN=keep-me-0123456789\nFOO=bar";
    const { text, vars, added } = completeDevVars(old, { generate: counter() });
    expect(added).toEqual(["RANKER_TOKEN", "USER_TOKEN_SECRET"]);
    expect(text.startsWith(`${old}\n`)).toBe(true);
    expect(vars).toEqual({ ADMIN_TOKEN: "keep-me-0123456789", FOO: "bar", RANKER_TOKEN: "secret-1", USER_TOKEN_SECRET: "secret-2" });
  });

  it("leaves a complete file untouched", () => {
    const full = "ADMIN_TOKEN=a\nRANKER_TOKEN=b\nUSER_TOKEN_SECRET=c\n";
    expect(completeDevVars(full, { generate: counter() })).toEqual({
      text: full,
      vars: { ADMIN_TOKEN: "a", RANKER_TOKEN: "b", USER_TOKEN_SECRET: "c" },
      added: [],
    });
  });

  it("treats an empty value as missing", () => {
    const { vars, added } = completeDevVars("ADMIN_TOKEN=\nRANKER_TOKEN=b\nUSER_TOKEN_SECRET=c\n", { generate: counter() });
    expect(added).toEqual(["ADMIN_TOKEN"]);
    expect(vars.ADMIN_TOKEN).toBe("secret-1");
  });

  it("generates 64 hex characters by default, different each time", () => {
    const { vars } = completeDevVars(undefined);
    for (const name of DEV_SECRETS) expect(vars[name]).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(DEV_SECRETS.map((name) => vars[name])).size).toBe(3);
    expect(randomHexSecret()).not.toBe(randomHexSecret());
  });
});

describe("parseDevVars", () => {
  it("reads KEY=value lines, skipping comments and blanks, unquoting quoted values", () => {
    expect(parseDevVars('# c\n\nA=1\r\n  B = "two words" \nnot a line\nC=x=y\n')).toEqual({ A: "1", B: "two words", C: "x=y" });
  });
});
