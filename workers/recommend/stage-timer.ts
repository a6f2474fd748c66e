/** Per-stage wall-clock timings of one request, reported as `timings_ms`. */

/** Measures named stages; stages may overlap (they run concurrently). */
export class StageTimer {
  private readonly started = performance.now();
  readonly timings: Record<string, number> = {};

  /** Awaits `work`, recording how long it took under `stage`. */
  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work();
    } finally {
      this.timings[stage] = round(performance.now() - start);
    }
  }

  /** All stage timings plus `total` since the timer was created. */
  finish(): Record<string, number> {
    return { ...this.timings, total: round(performance.now() - this.started) };
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
