import type { Principal } from "./auth/principal";
import type { Logger } from "./logger/logger";

/** The Hono environment shared by the app and its middleware: bindings plus per-request values. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Unique id of this request, echoed in responses and the `x-request-id` header. */
    requestId: string;
    /** This request's structured logger; every line carries `request_id`. Set with `requestId`. */
    logger: Logger;
    /** Who the request acts as; set by the auth middleware on every route except `/healthz`. */
    principal: Principal;
  };
};
