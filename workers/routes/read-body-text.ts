/**
 * Reads a request body as text under a byte limit that holds while the body streams in: a declared
 * `content-length` over the limit is refused before anything is read, and a chunked body (or one
 * whose length header lies) is cancelled as soon as the bytes received pass the limit — a client
 * cannot make the Worker buffer more than `maxBytes` (plus one chunk) whatever it sends.
 */
import { ApiError } from "../errors/api-error";

/** The body as UTF-8 text; 413 `payload_too_large` past `maxBytes` bytes (counted as received). */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge(maxBytes);
  if (request.body === null) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    let next: ReadableStreamReadResult<Uint8Array>;
    try {
      next = await reader.read();
    } catch {
      throw new ApiError(400, "invalid_request", "the request body could not be read (connection closed mid-body?)");
    }
    if (next.done) break;
    received += next.value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    chunks.push(next.value);
  }
  const bytes = new Uint8Array(received);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "payload_too_large", `request body over ${maxBytes} bytes`);
}
