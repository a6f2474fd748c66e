/**
 * Streams an NDJSON file line by line, parsing and validating each line with a zod schema.
 * Blank lines are ignored; unparsable or invalid lines go to a {@link LoadIssueLog} with their
 * line number and are skipped, so one bad line never aborts a load.
 */
import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import type { z } from "zod";
import type { LoadIssueLog } from "./load-issue-log";

/** One valid record and the line it came from. */
export interface NdjsonRecord<T> {
  line: number;
  value: T;
}

/** Yields every valid record of `path`; invalid lines are recorded in `issues` under the file's name. */
export async function* readNdjson<S extends z.ZodType>(
  path: string,
  schema: S,
  issues: LoadIssueLog,
): AsyncGenerator<NdjsonRecord<z.output<S>>> {
  const file = basename(path);
  const lines = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim().length === 0) continue;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      issues.record(file, line, `invalid JSON (${(error as Error).message})`);
      continue;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      issues.record(file, line, describeZodError(parsed.error));
      continue;
    }
    yield { line, value: parsed.data };
  }
}

function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(root)"}: ${issue.message}`)
    .join("; ");
}
