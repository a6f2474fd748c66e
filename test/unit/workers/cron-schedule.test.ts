/**
 * The Cron Triggers in wrangler.toml and the jobs the `scheduled` handler knows
 * (workers/scheduled/cron-schedule.ts) name the same expressions, character for character: an
 * expression in one list only would fire into "unknown cron" or never fire.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { CRON_SCHEDULE, jobForCron } from "../../../workers/scheduled/cron-schedule";

/** The `crons = [...]` array of wrangler.toml's `[triggers]` table. */
async function wranglerCrons(): Promise<string[]> {
  const toml = await readFile(new URL("../../../wrangler.toml", import.meta.url), "utf8");
  const triggers = toml.split(/^\[triggers\]\s*$/m)[1];
  const crons = triggers?.match(/^crons\s*=\s*(\[[^\]]*\])/m)?.[1];
  if (!crons) throw new Error("wrangler.toml has no [triggers] crons = [...]");
  return JSON.parse(crons) as string[];
}

describe("cron schedule", () => {
  it("has a job for every Cron Trigger in wrangler.toml, and a trigger for every job", async () => {
    const crons = await wranglerCrons();
    expect([...crons].sort()).toEqual(Object.keys(CRON_SCHEDULE).sort());
    expect(new Set(crons.map((cron) => jobForCron(cron))).size).toBe(crons.length);
  });

  it("knows no other expression", () => {
    expect(jobForCron("*/5 * * * *")).toBe("trending_refresh");
    expect(jobForCron("*/5  * * * *")).toBeUndefined();
    expect(jobForCron("toString")).toBeUndefined();
  });
});
