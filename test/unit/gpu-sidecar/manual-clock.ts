/**
 * A {@link BatcherClock} that only moves when the test says so: `advance(ms)` fires due timers in
 * time order, letting promise callbacks run between them, so batching tests need no real sleeps.
 */
import type { BatcherClock } from "../../../gpu-sidecar/batching/batcher-clock";

interface Timer {
  id: number;
  due: number;
  callback: () => void;
}

/** The manual clock plus its controls. */
export interface ManualClock extends BatcherClock {
  /** Moves time forward by `ms`, firing every timer due on the way (in order). */
  advance(ms: number): Promise<void>;
  /** Timers not yet fired. */
  pendingTimers(): number;
}

/** Lets queued promise callbacks (microtasks and one macrotask turn) run. */
export async function settle(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Creates a clock that starts at `start` milliseconds. */
export function manualClock(start = 0): ManualClock {
  let now = start;
  let nextId = 1;
  const timers = new Map<number, Timer>();
  return {
    now: () => now,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { id, due: now + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (;;) {
        const next = [...timers.values()].filter((t) => t.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
        if (!next) break;
        timers.delete(next.id);
        now = next.due;
        next.callback();
        await settle();
      }
      now = target;
      await settle();
    },
    pendingTimers: () => timers.size,
  };
}
