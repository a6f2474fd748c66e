/**
 * `npm start`'s sidecar supervisor, with fake child processes and a manual clock (no real
 * process, no real time): a child that exits on its own is restarted after exactly the backoff
 * delay, every exit and start is reported with its reason, the backoff resets after a stable run,
 * and `stop()` ends everything promptly, including while a restart is pending or when the child
 * ignores SIGTERM.
 */
import { describe, expect, it } from "vitest";
import {
  describeSupervisorEvent,
  superviseProcess,
  type ChildExit,
  type SupervisedChild,
  type SupervisorEvent,
} from "../../../scripts/process-supervisor";
import { manualClock, settle } from "../gpu-sidecar/manual-clock";

/** A fake child: records the signals it gets; `exit()` ends it. Exits on SIGTERM/SIGKILL unless told to ignore SIGTERM. */
class FakeChild implements SupervisedChild {
  readonly signals: NodeJS.Signals[] = [];
  readonly exited: Promise<ChildExit>;
  private resolveExit!: (exit: ChildExit) => void;
  private done = false;

  constructor(
    readonly pid: number,
    private readonly ignoresSigterm = false,
  ) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  kill(signal: NodeJS.Signals): void {
    this.signals.push(signal);
    if (signal === "SIGTERM" && this.ignoresSigterm) return;
    this.exit({ code: null, signal });
  }

  exit(exit: ChildExit): void {
    if (this.done) return;
    this.done = true;
    this.resolveExit(exit);
  }
}

function harness(options: { ignoresSigterm?: boolean } = {}) {
  const clock = manualClock();
  const children: FakeChild[] = [];
  const events: SupervisorEvent[] = [];
  const supervisor = superviseProcess({
    start: () => {
      const child = new FakeChild(1000 + children.length, options.ignoresSigterm);
      children.push(child);
      return child;
    },
    onEvent: (event) => events.push(event),
    clock,
    killAfterMs: 3000,
  });
  return { clock, children, events, supervisor, lines: () => events.map((event) => describeSupervisorEvent("sidecar", event)) };
}

describe("superviseProcess", () => {
  it("starts the child at once and reports its pid", () => {
    const { children, supervisor, lines } = harness();
    expect(children).toHaveLength(1);
    expect(supervisor.pid).toBe(1000);
    expect(lines()).toEqual(["sidecar started (pid 1000)"]);
  });

  it("restarts a killed child after exactly 0.5 s, logging the exit reason and the restart", async () => {
    const { clock, children, supervisor, lines } = harness();
    await clock.advance(12_300);
    children[0]!.exit({ code: null, signal: "SIGKILL" });
    await settle();
    expect(supervisor.pid).toBeUndefined();
    await clock.advance(499);
    expect(children).toHaveLength(1);
    await clock.advance(1);
    expect(children).toHaveLength(2);
    expect(supervisor.pid).toBe(1001);
    expect(lines()).toEqual([
      "sidecar started (pid 1000)",
      "sidecar exited (signal SIGKILL) after 12.3 s; restarting in 0.5 s (crash 1 in a row)",
      "sidecar started (pid 1001, restart 1)",
    ]);
  });

  it("backs off 0.5, 1, 2, 4, 8, 10, 10 s for a child that keeps crashing, then resets after 60 s up", async () => {
    const { clock, children, events } = harness();
    const delays: number[] = [];
    for (let crash = 0; crash < 7; crash++) {
      children.at(-1)!.exit({ code: 1, signal: null });
      await settle();
      const exited = events.at(-1) as Extract<SupervisorEvent, { type: "exited" }>;
      delays.push(exited.restartInMs!);
      await clock.advance(exited.restartInMs!);
      expect(children).toHaveLength(crash + 2);
    }
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 10_000, 10_000]);

    await clock.advance(60_000);
    children.at(-1)!.exit({ code: 1, signal: null });
    await settle();
    expect(events.at(-1)).toMatchObject({ type: "exited", restartInMs: 500, consecutiveCrashes: 1, uptimeMs: 60_000 });
  });

  it("reports a child that could not be run at all, and keeps retrying it", async () => {
    const { clock, children, lines } = harness();
    children[0]!.exit({ code: null, signal: null, error: "spawn node ENOENT" });
    await settle();
    await clock.advance(500);
    expect(children).toHaveLength(2);
    expect(lines()[1]).toBe("sidecar exited (could not run: spawn node ENOENT) after 0.0 s; restarting in 0.5 s (crash 1 in a row)");
  });

  it("stop() sends SIGTERM, does not restart the child, and resolves once it has exited", async () => {
    const { clock, children, supervisor, lines } = harness();
    await clock.advance(2000);
    await supervisor.stop();
    expect(children[0]!.signals).toEqual(["SIGTERM"]);
    await clock.advance(60_000);
    expect(children).toHaveLength(1);
    expect(lines()).toEqual(["sidecar started (pid 1000)", "sidecar stopped (signal SIGTERM) after 2.0 s", "sidecar supervisor stopped"]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("stop() during the backoff cancels the pending restart and resolves at once", async () => {
    const { clock, children, supervisor, events } = harness();
    children[0]!.exit({ code: null, signal: "SIGKILL" });
    await settle();
    for (let crash = 0; crash < 4; crash++) {
      await clock.advance((events.at(-1) as { restartInMs: number }).restartInMs);
      children.at(-1)!.exit({ code: 1, signal: null });
      await settle();
    }
    expect(events.at(-1)).toMatchObject({ type: "exited", restartInMs: 8000 });
    expect(clock.pendingTimers()).toBe(1);
    let stopped = false;
    void supervisor.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(true);
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(20_000);
    expect(children).toHaveLength(5);
    expect(events.at(-1)).toEqual({ type: "stopped" });
  });

  it("stop() sends SIGKILL to a child that ignores SIGTERM, exactly 3 s later", async () => {
    const { clock, children, supervisor } = harness({ ignoresSigterm: true });
    let stopped = false;
    void supervisor.stop().then(() => (stopped = true));
    await clock.advance(2999);
    expect(children[0]!.signals).toEqual(["SIGTERM"]);
    expect(stopped).toBe(false);
    await clock.advance(1);
    expect(children[0]!.signals).toEqual(["SIGTERM", "SIGKILL"]);
    expect(stopped).toBe(true);
    expect(children).toHaveLength(1);
  });

  it("stop() twice is one stop", async () => {
    const { children, supervisor } = harness();
    await Promise.all([supervisor.stop(), supervisor.stop()]);
    expect(children[0]!.signals).toEqual(["SIGTERM"]);
  });
});
