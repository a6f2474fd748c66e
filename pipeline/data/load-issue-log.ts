/**
 * Collects problems found while loading a dataset (malformed JSON, schema violations, unknown
 * ids) with file and line number, so a bad line is reported and skipped instead of crashing a run.
 */

/** One problem at one line of one input file. */
export interface LoadIssue {
  file: string;
  /** 1-based line number. */
  line: number;
  message: string;
}

/** Options of {@link LoadIssueLog}. */
export interface LoadIssueLogOptions {
  /** How many issues are kept verbatim (all are counted). */
  maxSamples: number;
}

/** Counts every issue per file and keeps the first few for the report. */
export class LoadIssueLog {
  /** Total number of issues recorded. */
  count = 0;
  /** Issue count per file name. */
  readonly countsByFile: Record<string, number> = {};
  /** The first `maxSamples` issues, in the order they were found. */
  readonly samples: LoadIssue[] = [];
  /** Remarks about data that was kept but transformed (e.g. merged duplicates); not skipped lines. */
  readonly notes: string[] = [];
  private readonly options: LoadIssueLogOptions;

  constructor(options: Partial<LoadIssueLogOptions> = {}) {
    this.options = { maxSamples: 20, ...options } satisfies LoadIssueLogOptions;
  }

  /** Records one issue. */
  record(file: string, line: number, message: string): void {
    this.count++;
    this.countsByFile[file] = (this.countsByFile[file] ?? 0) + 1;
    if (this.samples.length < this.options.maxSamples) this.samples.push({ file, line, message });
  }

  /** Records a remark that is not a skipped line. */
  note(message: string): void {
    this.notes.push(message);
  }

  /** A human-readable multi-line summary, or the empty string when nothing went wrong. */
  format(): string {
    const notes = this.notes.map((note) => `note: ${note}`);
    if (this.count === 0) return notes.join("\n");
    const perFile = Object.entries(this.countsByFile)
      .map(([file, n]) => `${file}: ${n}`)
      .join(", ");
    const lines = this.samples.map((s) => `  ${s.file}:${s.line}: ${s.message}`);
    const more = this.count > this.samples.length ? [`  … and ${this.count - this.samples.length} more`] : [];
    return [`${this.count} line(s) skipped (${perFile})`, ...lines, ...more, ...notes].join("\n");
  }
}
