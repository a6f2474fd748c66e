/** Which credential the Worker benchmarks send: --key, else EDGE_RECS_KEY, else ADMIN_TOKEN from .dev.vars, else a clear error. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { workerCredential } from "../../../scripts/worker-credential";
import { tempFolder } from "../../support/ranker-fixture";

describe("workerCredential", () => {
  let folder: Awaited<ReturnType<typeof tempFolder>>;
  let devVarsPath: string;
  beforeAll(async () => {
    folder = await tempFolder("bench-credential-");
    devVarsPath = join(folder.path, ".dev.vars");
    await writeFile(devVarsPath, "# local\nADMIN_TOKEN=admin-from-file\nRANKER_TOKEN=r\n");
  });
  afterAll(() => folder.remove());

  it("uses --key first", () => {
    expect(workerCredential({ key: "from-flag", env: { EDGE_RECS_KEY: "from-env" }, devVarsPath })).toEqual({
      key: "from-flag",
      source: "--key",
    });
  });

  it("then EDGE_RECS_KEY", () => {
    expect(workerCredential({ env: { EDGE_RECS_KEY: "from-env" }, devVarsPath })).toEqual({ key: "from-env", source: "EDGE_RECS_KEY" });
  });

  it("then ADMIN_TOKEN from .dev.vars", () => {
    expect(workerCredential({ env: {}, devVarsPath })).toEqual({ key: "admin-from-file", source: ".dev.vars ADMIN_TOKEN" });
  });

  it("says what to do when there is none", () => {
    expect(() => workerCredential({ env: { EDGE_RECS_KEY: " " }, devVarsPath: join(folder.path, "missing") })).toThrow(
      /no credential for the Worker: pass --key <key>, set EDGE_RECS_KEY, or run npm start once/,
    );
  });
});
