/** The structured logger: one JSON line per call, levels, base and child fields, errors as {name, message}. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger, type LogLevel, logLevelFrom, type LoggerOptions } from "../../../workers/logger/logger";

const FIXED = new Date("2026-05-02T10:00:00.000Z");

/** A logger whose lines land in `lines` (with their level), at a fixed clock. */
function captured(base: Record<string, unknown> = {}, options: LoggerOptions = {}) {
  const lines: { line: string; level: LogLevel }[] = [];
  const logger = createLogger(base, { sink: (line, level) => void lines.push({ line, level }), now: () => FIXED, ...options });
  return { logger, lines, parsed: () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>) };
}

afterEach(() => vi.restoreAllMocks());

describe("createLogger", () => {
  it("writes one JSON line: time, level, event, base fields, then the call's fields", () => {
    const { logger, lines } = captured({ request_id: "req-1" });
    logger.warn("exposures_failed", { stage: "exposures", attempts: 2 });
    expect(lines).toEqual([
      {
        line: '{"time":"2026-05-02T10:00:00.000Z","level":"warn","event":"exposures_failed","request_id":"req-1","stage":"exposures","attempts":2}',
        level: "warn",
      },
    ]);
    expect(lines[0]!.line).not.toContain("\n");
  });

  it("drops lines below its level (default info) and keeps the rest", () => {
    const atInfo = captured();
    atInfo.logger.debug("a");
    atInfo.logger.info("b");
    atInfo.logger.warn("c");
    atInfo.logger.error("d");
    expect(atInfo.parsed().map((entry) => [entry.level, entry.event])).toEqual([
      ["info", "b"],
      ["warn", "c"],
      ["error", "d"],
    ]);

    const atDebug = captured({}, { level: "debug" });
    atDebug.logger.debug("a");
    expect(atDebug.lines.map(({ level }) => level)).toEqual(["debug"]);

    const atError = captured({}, { level: "error" });
    atError.logger.info("b");
    atError.logger.warn("c");
    atError.logger.error("d");
    expect(atError.parsed().map((entry) => entry.event)).toEqual(["d"]);
  });

  it("a child adds its fields to every line; the parent's lines stay as they were", () => {
    const { logger, parsed } = captured({ request_id: "req-1" });
    const child = logger.child({ request_id: "req-1:u1", user_id: "u1" });
    child.info("digest_served", { items: 3 });
    logger.info("digests_done");
    expect(parsed()).toEqual([
      { time: FIXED.toISOString(), level: "info", event: "digest_served", request_id: "req-1:u1", user_id: "u1", items: 3 },
      { time: FIXED.toISOString(), level: "info", event: "digests_done", request_id: "req-1" },
    ]);
  });

  it("renders an Error field as {name, message}, never its stack", () => {
    const { logger, lines, parsed } = captured({ object: "UserSession" });
    const error = new TypeError("item lookup failed");
    logger.error("item_lookup_failed", { error, reason: "not an error" });
    expect(parsed()[0]).toEqual({
      time: FIXED.toISOString(),
      level: "error",
      event: "item_lookup_failed",
      object: "UserSession",
      error: { name: "TypeError", message: "item lookup failed" },
      reason: "not an error",
    });
    expect(lines[0]!.line).not.toContain("at ");
  });

  it("keeps time, level and event its own when fields carry the same names; drops undefined fields", () => {
    const { logger, parsed } = captured({ level: "base" });
    logger.info("real", { event: "fake", time: "then", missing: undefined });
    expect(parsed()).toEqual([{ time: FIXED.toISOString(), level: "info", event: "real" }]);
  });

  it("writes a line saying so instead of throwing when a field cannot be serialised", () => {
    const { logger, parsed } = captured();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => logger.warn("odd", { cyclic })).not.toThrow();
    const [entry] = parsed();
    expect(entry).toMatchObject({ time: FIXED.toISOString(), level: "warn", event: "odd" });
    expect(entry!.log_error).toMatch(/^fields not serialisable: /);
  });

  it("writes to the console method of each level by default (info to console.log)", () => {
    const calls: [string, unknown][] = [];
    for (const method of ["debug", "log", "warn", "error"] as const) {
      vi.spyOn(console, method).mockImplementation((line: unknown) => void calls.push([method, line]));
    }
    const logger = createLogger({ request_id: "req-2" }, { level: "debug", now: () => FIXED });
    logger.debug("a");
    logger.info("b");
    logger.warn("c");
    logger.error("d");
    expect(calls.map(([method, line]) => [method, JSON.parse(String(line)).event])).toEqual([
      ["debug", "a"],
      ["log", "b"],
      ["warn", "c"],
      ["error", "d"],
    ]);
  });
});

describe("logLevelFrom", () => {
  it("reads a LOG_LEVEL value, case-insensitively; info when unset or unknown", () => {
    expect(logLevelFrom("debug")).toBe("debug");
    expect(logLevelFrom(" WARN ")).toBe("warn");
    expect(logLevelFrom("error")).toBe("error");
    expect(logLevelFrom(undefined)).toBe("info");
    expect(logLevelFrom("")).toBe("info");
    expect(logLevelFrom("verbose")).toBe("info");
    expect(logLevelFrom("toString")).toBe("info");
  });
});
