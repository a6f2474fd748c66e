/**
 * `npm run token -- --user <id> [--ttl-seconds 3600] [--scope "recommendations:read events:write"]`:
 * prints a user token for the local system (HS256, signed with USER_TOKEN_SECRET from the
 * environment, else from `.dev.vars` as `npm start` wrote it), so that
 *
 *   export USER_TOKEN=$(npm run -s token -- --user u00042)
 *   curl -H "authorization: Bearer $USER_TOKEN" 'http://127.0.0.1:8787/v1/recommendations?user_id=u00042&n=10'
 *
 * works as that user. Only the token goes to stdout; problems go to stderr with exit code 1.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { parseDevVars } from "./dev-vars";
import { mintUserToken } from "./user-token";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function wholeSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError("expected a whole number of seconds");
  return n;
}

/** USER_TOKEN_SECRET from the environment, else from the `.dev.vars` file at `path`. */
function userTokenSecret(path: string): string {
  const fromEnv = process.env.USER_TOKEN_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const fromFile = existsSync(path) ? parseDevVars(readFileSync(path, "utf8")).USER_TOKEN_SECRET : undefined;
  if (fromFile) return fromFile;
  throw new Error(`no USER_TOKEN_SECRET: set the environment variable, or run npm start once to write it to ${path}`);
}

const program = new Command()
  .name("token")
  .description("Prints a user token (HS256 JWT) for the local Worker.")
  .requiredOption("--user <id>", "the user the token acts for (sub)")
  .option("--ttl-seconds <n>", "lifetime in seconds (at most 86400)", wholeSeconds, 3600)
  .option("--scope <scopes>", 'space-separated scopes, e.g. "recommendations:read events:write" (default: none in the token)')
  .option("--dev-vars <file>", "where to read USER_TOKEN_SECRET when the environment has none", join(root, ".dev.vars"))
  .action(async (opts: { user: string; ttlSeconds: number; scope?: string; devVars: string }) => {
    const token = await mintUserToken({
      secret: userTokenSecret(opts.devVars),
      userId: opts.user,
      ttlSeconds: opts.ttlSeconds,
      scope: opts.scope,
    });
    process.stdout.write(`${token}\n`);
  });

program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
