/**
 * Streams a text file line by line with 1-based line numbers (CRLF or LF), so line-oriented
 * loaders (MovieLens `u.data`, `u.item`, CSV) can report a bad line by its number.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** One line of a text file without its line terminator. */
export interface TextLine {
  /** 1-based line number. */
  line: number;
  text: string;
}

/** Options of {@link readTextLines}. */
export interface ReadTextLinesOptions {
  /** `latin1` for the original MovieLens 100k files, `utf8` otherwise. */
  encoding: BufferEncoding;
}

/** Yields every line of `path` (blank lines included, so numbers stay exact). */
export async function* readTextLines(path: string, options: Partial<ReadTextLinesOptions> = {}): AsyncGenerator<TextLine> {
  const opts = { encoding: "utf8", ...options } satisfies ReadTextLinesOptions;
  const lines = createInterface({ input: createReadStream(path, { encoding: opts.encoding }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    yield { line, text };
  }
}
