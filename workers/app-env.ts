/** The Hono environment shared by the app and its middleware: bindings plus per-request values. */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    /** Unique id of this request, echoed in responses and the `x-request-id` header. */
    requestId: string;
  };
};
