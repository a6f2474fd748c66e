/**
 * Keeps one child process running for `npm start`: when it exits on its own (crash, OOM, killed
 * by hand) it is started again after the {@link RestartPolicy}'s backoff, and every exit and
 * restart is reported with its reason; `stop()` ends it for good, promptly, even while a restart
 * is pending (the pending restart is cancelled; a child that ignores SIGTERM gets SIGKILL). The
 * process itself and the clock are injected, so the tests drive it with a fake child and a manual
 * clock; `dev.ts` passes `child_process.spawn` and the real timers.
 */
import { createRestartPolicy, type RestartPolicyOptions } from "./restart-policy";

/** How a child ended. */
export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started or run at all (e.g. the executable is missing). */
  error?: string;
}

/** A started child, as the supervisor sees it. */
export interface SupervisedChild {
  /** Its pid (`undefined` if it could not be started). */
  readonly pid: number | undefined;
  /** Sends it (and, in dev.ts, its process group) a signal. */
  kill(signal: NodeJS.Signals): void;
  /** Settles once, when it has exited. */
  readonly exited: Promise<ChildExit>;
}

/** Milliseconds and one-shot timers (the real ones in dev.ts, a manual clock in tests). */
export interface SupervisorClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** What the supervisor reports. */
export type SupervisorEvent =
  | { type: "started"; pid: number | undefined /** 1 for the first start, 2 for the first restart, … */; run: number }
  | {
      type: "exited";
      pid: number | undefined;
      exit: ChildExit;
      uptimeMs: number;
      /** Delay before the restart, or `null` when the exit was asked for by `stop()`. */
      restartInMs: number | null;
      consecutiveCrashes: number;
    }
  | { type: "stopped" };

/** Options of {@link superviseProcess}. */
export interface SupervisorOptions {
  /** Starts the child (called again for every restart). */
  start: () => SupervisedChild;
  /** Receives every start, exit and the final stop. */
  onEvent?: (event: SupervisorEvent) => void;
  clock?: SupervisorClock;
  /** Backoff settings (default: 0.5 s doubling to 10 s, reset after 60 s up). */
  restart?: RestartPolicyOptions;
  /** How long `stop()` waits after SIGTERM before sending SIGKILL, in milliseconds (default 5000). */
  killAfterMs?: number;
}

/** A supervised service. */
export interface Supervisor {
  /** Pid of the child running now, if any (none while waiting to restart). */
  readonly pid: number | undefined;
  /** Cancels any pending restart, stops the child (SIGTERM, then SIGKILL) and resolves once it has exited. */
  stop(): Promise<void>;
}

const systemClock: SupervisorClock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

const supervisorDefaults = { onEvent: () => {}, clock: systemClock, restart: {}, killAfterMs: 5000 } satisfies Omit<
  Required<SupervisorOptions>,
  "start"
>;

/**
 * Starts the child now and keeps it running until `stop()`.
 *
 * @example
 * const sidecar = superviseProcess({
 *   start: () => spawnChild("tsx", ["gpu-sidecar/main.ts"]),
 *   onEvent: (event) => console.log(describeSupervisorEvent("sidecar", event)),
 * });
 * // … later, on Ctrl-C:
 * await sidecar.stop();
 */
export function superviseProcess(options: SupervisorOptions): Supervisor {
  const { start, onEvent, clock, restart, killAfterMs } = { ...supervisorDefaults, ...options };
  const policy = createRestartPolicy(restart);
  let current: SupervisedChild | undefined;
  let restartTimer: unknown;
  let stopping: Promise<void> | undefined;
  let runs = 0;

  const launch = () => {
    restartTimer = undefined;
    runs++;
    const child = start();
    current = child;
    policy.started(clock.now());
    onEvent({ type: "started", pid: child.pid, run: runs });
    void child.exited.then((exit) => {
      if (current === child) current = undefined;
      const decision = policy.exited(clock.now());
      if (stopping) {
        onEvent({ type: "exited", pid: child.pid, exit, uptimeMs: decision.uptimeMs, restartInMs: null, consecutiveCrashes: 0 });
        return;
      }
      onEvent({
        type: "exited",
        pid: child.pid,
        exit,
        uptimeMs: decision.uptimeMs,
        restartInMs: decision.delayMs,
        consecutiveCrashes: decision.consecutiveCrashes,
      });
      restartTimer = clock.setTimeout(launch, decision.delayMs);
    });
  };

  launch();
  return {
    get pid() {
      return current?.pid;
    },
    stop() {
      stopping ??= (async () => {
        if (restartTimer !== undefined) clock.clearTimeout(restartTimer);
        restartTimer = undefined;
        const child = current;
        if (child) {
          child.kill("SIGTERM");
          const killTimer = clock.setTimeout(() => child.kill("SIGKILL"), killAfterMs);
          await child.exited;
          clock.clearTimeout(killTimer);
        }
        onEvent({ type: "stopped" });
      })();
      return stopping;
    },
  };
}

/**
 * One log line for an event, e.g. `sidecar exited (signal SIGKILL) after 12.3 s; restarting in 0.5 s
 * (crash 1 in a row)` or `sidecar started (pid 4242, restart 1)`.
 */
export function describeSupervisorEvent(name: string, event: SupervisorEvent): string {
  switch (event.type) {
    case "started":
      return `${name} started (pid ${event.pid ?? "none"}${event.run > 1 ? `, restart ${event.run - 1}` : ""})`;
    case "exited": {
      const { code, signal, error } = event.exit;
      const reason = error ? `could not run: ${error}` : signal ? `signal ${signal}` : `exit code ${code}`;
      const uptime = `${(event.uptimeMs / 1000).toFixed(1)} s`;
      return event.restartInMs === null
        ? `${name} stopped (${reason}) after ${uptime}`
        : `${name} exited (${reason}) after ${uptime}; restarting in ${(event.restartInMs / 1000).toFixed(1)} s (crash ${event.consecutiveCrashes} in a row)`;
    }
    case "stopped":
      return `${name} supervisor stopped`;
  }
}
