/** Gives every request an id (or keeps a sane client-sent `x-request-id`) and echoes it back. */
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env";

const CLIENT_ID = /^[A-Za-z0-9_.:-]{8,64}$/;

/** Sets `c.var.requestId` and the `x-request-id` response header. */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const sent = c.req.header("x-request-id");
  const id = sent && CLIENT_ID.test(sent) ? sent : crypto.randomUUID();
  c.set("requestId", id);
  await next();
  c.header("x-request-id", id);
});
