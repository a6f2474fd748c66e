/** Reads a JSON request body with a size limit, turning bad input into 4xx API errors. */
import type { z } from "zod";
import { ApiError } from "../errors/api-error";
import { readBodyText } from "./read-body-text";

/**
 * The parsed JSON body; 413 when over `maxBytes` (counted while streaming, chunked or not), 400
 * `invalid_json` when it does not parse.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const text = await readBodyText(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "request body is not valid JSON");
  }
}

/** The JSON body as `schema` parses it; 400 `invalid_request` naming the first issue's path. */
export async function readValidatedJson<T>(request: Request, maxBytes: number, schema: z.ZodType<T>): Promise<T> {
  const parsed = schema.safeParse(await readJsonBody(request, maxBytes));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiError(400, "invalid_request", issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid body");
  }
  return parsed.data;
}
