/**
 * Concise, timed progress lines for pipeline commands: `[train] fit ALS (all data) … 1.4s`.
 * Output goes through one writer so commands stay testable.
 */

/** Writes one line of output. */
export type LineWriter = (line: string) => void;

/** Prints one line per step with its wall-clock duration. */
export class ProgressLog {
  private readonly started = performance.now();

  constructor(
    private readonly command: string,
    private readonly write: LineWriter = (line) => process.stdout.write(`${line}\n`),
  ) {}

  /** Runs `work`, then prints `label`, the optional `summary` of its result and the time taken. */
  async step<T>(label: string, work: () => T | Promise<T>, summary?: (result: T) => string): Promise<T> {
    const start = performance.now();
    const result = await work();
    const detail = summary ? `: ${summary(result)}` : "";
    this.info(`${label}${detail} (${formatSeconds(performance.now() - start)})`);
    return result;
  }

  /** Prints a line under the command's prefix. */
  info(line: string): void {
    this.write(`[${this.command}] ${line}`);
  }

  /** Seconds since the log was created, formatted. */
  elapsed(): string {
    return formatSeconds(performance.now() - this.started);
  }
}

function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)}s`;
}
