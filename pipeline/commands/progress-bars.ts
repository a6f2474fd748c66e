/**
 * Progress bars for long pipeline steps (cli-progress): an overall bar over the command's steps
 * and a bar for the step in progress (EASE pivots, ALS iterations, SVD passes, users evaluated).
 * Training loops are synchronous, so the bars are redrawn from the update calls themselves
 * (throttled) rather than from cli-progress's timer. Off a terminal they stay silent and the
 * command's timed log lines carry the progress.
 */
import cliProgress from "cli-progress";
import type { LineWriter } from "./progress-log";

/** Options of {@link ProgressBars}. */
export interface ProgressBarsOptions {
  /** Draw bars (default: when stderr is a terminal). */
  enabled: boolean;
  /** Minimum milliseconds between redraws. */
  redrawMs: number;
}

/** An overall bar plus a bar for the current step. */
export class ProgressBars {
  private readonly options: ProgressBarsOptions;
  private readonly multi: cliProgress.MultiBar | undefined;
  private overallBar: cliProgress.SingleBar | undefined;
  private readonly stepBars: cliProgress.SingleBar[] = [];
  private lastDraw = 0;

  constructor(options: Partial<ProgressBarsOptions> = {}) {
    this.options = { enabled: process.stderr.isTTY === true, redrawMs: 100, ...options } satisfies ProgressBarsOptions;
    if (this.options.enabled) {
      this.multi = new cliProgress.MultiBar(
        {
          format: "{label} |{bar}| {value}/{total} {detail}",
          barsize: 28,
          hideCursor: true,
          clearOnComplete: false,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      );
    }
  }

  /** Whether bars are drawn. */
  get enabled(): boolean {
    return this.multi !== undefined;
  }

  /** A line writer that prints above the bars while they are shown. */
  writer(fallback: LineWriter = (line) => process.stdout.write(`${line}\n`)): LineWriter {
    return (line) => (this.multi ? this.multi.log(`${line}\n`) : fallback(line));
  }

  /** Starts (or restarts) the overall bar. */
  startOverall(label: string, total: number): void {
    if (!this.multi) return;
    this.overallBar ??= this.multi.create(total, 0, { label: pad(label), detail: "" });
    this.overallBar.setTotal(total);
    this.overallBar.update(0, { label: pad(label), detail: "" });
    this.draw(true);
  }

  /** Moves the overall bar to `done` and names what runs now. */
  overall(done: number, detail: string): void {
    this.overallBar?.update(done, { detail });
    this.draw(true);
  }

  /** Reports progress inside the current step of `lane` (one bar per worker thread). */
  step(label: string, done: number, total: number, lane = 0): void {
    if (!this.multi) return;
    for (let l = this.stepBars.length; l <= lane; l++) this.stepBars.push(this.multi.create(1, 0, { label: pad(""), detail: "" }));
    const bar = this.stepBars[lane]!;
    bar.setTotal(Math.max(1, total));
    bar.update(done, { label: pad(label), detail: "" });
    this.draw(done >= total);
  }

  /** Removes the bars and restores the terminal. */
  stop(): void {
    this.multi?.stop();
  }

  private draw(force: boolean): void {
    const now = performance.now();
    if (!this.multi || (!force && now - this.lastDraw < this.options.redrawMs)) return;
    this.lastDraw = now;
    this.multi.update();
  }
}

function pad(label: string): string {
  return label.length >= 18 ? label.slice(0, 18) : label.padEnd(18);
}
