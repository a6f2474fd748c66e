/**
 * `.dev.vars`, the local secrets file `wrangler dev` reads (KEY=value lines): parsing, and filling
 * in the secrets `npm start` needs. A missing file is written with fresh random values; a file
 * from an older run that lacks one of them gets only the missing ones appended: existing values,
 * comments and other lines are never rewritten.
 */
import { randomBytes } from "node:crypto";

/** The secrets `npm start` generates (wrangler.toml `[secrets] required`). */
export const DEV_SECRETS = ["ADMIN_TOKEN", "RANKER_TOKEN", "USER_TOKEN_SECRET"] as const;

/** One of {@link DEV_SECRETS}. */
export type DevSecret = (typeof DEV_SECRETS)[number];

/** What each generated secret is for, written as a comment above it. */
const SECRET_COMMENTS = {
  ADMIN_TOKEN: "Admin key of the local Worker: every scope, acts for any user (Authorization: Bearer <ADMIN_TOKEN>).",
  RANKER_TOKEN: "Shared secret between the Worker and the ranking sidecar (the sidecar's SIDECAR_AUTH_TOKEN).",
  USER_TOKEN_SECRET: "HS256 key that signs user tokens (npm run token -- --user <id>) and that the Worker verifies them with.",
} as const satisfies Record<DevSecret, string>;

/** A random secret: 32 bytes as 64 hex characters. */
export const randomHexSecret = (): string => randomBytes(32).toString("hex");

/** The KEY=value pairs of a `.dev.vars` text (comments and blank lines skipped; `"quoted"` values unquoted). */
export function parseDevVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match) vars[match[1]!] = match[2]!.replace(/^"(.*)"$/, "$1");
  }
  return vars;
}

/** Options of {@link completeDevVars}. */
export interface CompleteDevVarsOptions {
  /** Makes a new secret value (default {@link randomHexSecret}). */
  generate?: () => string;
}

/** The completed file. */
export interface CompletedDevVars {
  /** The file's new text (equal to the input when nothing was missing). */
  text: string;
  /** Every variable of the new text. */
  vars: Record<string, string>;
  /** The secrets that were added (empty when the file already had them all). */
  added: DevSecret[];
}

/**
 * Adds the missing {@link DEV_SECRETS} to a `.dev.vars` text (`undefined`: no file yet). A secret
 * present with an empty value counts as missing and is appended (wrangler reads the last one).
 *
 * @example
 * completeDevVars("ADMIN_TOKEN=abc\n").added; // ["RANKER_TOKEN", "USER_TOKEN_SECRET"]
 */
export function completeDevVars(existing: string | undefined, options: CompleteDevVarsOptions = {}): CompletedDevVars {
  const { generate } = { generate: randomHexSecret, ...options };
  const before = parseDevVars(existing ?? "");
  const added = DEV_SECRETS.filter((name) => !before[name]);
  if (added.length === 0) return { text: existing ?? "", vars: before, added };
  const header = existing === undefined ? ["# Local secrets for wrangler dev (written by npm start; not committed)."] : [];
  const prefix = existing === undefined || existing === "" ? "" : existing.endsWith("\n") ? existing : `${existing}\n`;
  const lines = added.flatMap((name) => [`# ${SECRET_COMMENTS[name]}`, `${name}=${generate()}`]);
  const text = `${prefix}${[...header, ...lines].join("\n")}\n`;
  return { text, vars: parseDevVars(text), added };
}
