/**
 * Streams RFC 4180 CSV records: comma-separated fields, double-quoted fields may hold commas,
 * doubled quotes (`""`) and line breaks (a record then spans several lines). Each record carries
 * the line it starts on; an unterminated quote at the end of the file is reported, not thrown.
 */
import { basename } from "node:path";
import type { LoadIssueLog } from "./load-issue-log";
import { readTextLines } from "./read-text-lines";

/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** Yields every non-blank record of `path`; a malformed tail goes to `issues`. */
export async function* readCsvRecords(path: string, issues: LoadIssueLog): AsyncGenerator<CsvRecord> {
  const parser = new CsvRecordParser();
  let start = 0;
  for await (const { line, text } of readTextLines(path)) {
    if (!parser.pending) start = line;
    const fields = parser.push(text);
    if (fields === undefined) continue;
    if (fields.length === 1 && fields[0] === "") continue;
    yield { line: start, fields };
  }
  if (parser.pending) issues.record(basename(path), start, "unterminated quoted field at end of file");
}

/**
 * Incremental CSV parser fed one physical line at a time: returns the record's fields once it is
 * complete, or undefined while a quoted field continues on the next line.
 * @example
 * new CsvRecordParser().push('1,"Heat, The (1995)",Drama'); // ["1", "Heat, The (1995)", "Drama"]
 */
export class CsvRecordParser {
  private fields: string[] = [];
  private field = "";
  private inQuotes = false;

  /** True while a quoted field is open across lines. */
  get pending(): boolean {
    return this.inQuotes;
  }

  /** Parses one physical line (without its terminator). */
  push(text: string): string[] | undefined {
    if (this.inQuotes) this.field += "\n";
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (this.inQuotes) {
        if (ch !== '"') this.field += ch;
        else if (text[i + 1] === '"') {
          this.field += '"';
          i++;
        } else this.inQuotes = false;
      } else if (ch === ",") {
        this.fields.push(this.field);
        this.field = "";
      } else if (ch === '"' && this.field.length === 0) {
        this.inQuotes = true;
      } else {
        this.field += ch;
      }
    }
    if (this.inQuotes) return undefined;
    this.fields.push(this.field);
    const record = this.fields;
    this.fields = [];
    this.field = "";
    return record;
  }
}
