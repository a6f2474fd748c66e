/** Reads a JSON request body with a size limit, turning bad input into 4xx API errors. */
import { ApiError } from "../errors/api-error";

/** The parsed JSON body; 413 when over `maxBytes`, 400 `invalid_json` when it does not parse. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new ApiError(413, "payload_too_large", `request body over ${maxBytes} bytes`);
  }
  const text = await request.text();
  if (text.length > maxBytes) throw new ApiError(413, "payload_too_large", `request body over ${maxBytes} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "request body is not valid JSON");
  }
}
