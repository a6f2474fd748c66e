/**
 * Gives every request an id (or keeps a sane client-sent `x-request-id`), echoes it back, and
 * gives the request its logger, whose every line carries that id.
 */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";
import { createLogger, logLevelFrom } from "../logger/logger";

const CLIENT_ID = /^[A-Za-z0-9_.:-]{8,64}$/;

/** Sets `c.var.requestId`, `c.var.logger` (with `request_id`) and the `x-request-id` response header. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header("x-request-id");
  const id = sent && CLIENT_ID.test(sent) ? sent : crypto.randomUUID();
  c.set("requestId", id);
  c.set("logger", createLogger({ request_id: id }, { level: logLevelFrom(c.env?.LOG_LEVEL) }));
  await next();
  c.header("x-request-id", id);
});
