/**
 * How the embedded index's Durable Object reports `VectorIndexError`s across Workers RPC: as a
 * returned value, not a throw. A thrown error loses its custom properties (`code`) on the way,
 * is logged and counted as an exception of the object (a bad topK from a client is not an
 * incident), and may break the caller's stub. So every RPC method returns a
 * `VectorIndexResult`, and the client rebuilds the typed error with `unwrapVectorIndexResult`.
 * Anything that still throws (a bug, storage failure, overload) is `unavailable` to the client.
 */
import { isVectorIndexErrorCode, VectorIndexError, type VectorIndexErrorCode } from "./vector-index-error";

/** A vector index outcome as plain, structured-cloneable data. */
export type VectorIndexResult<T> = { ok: true; value: T } | { ok: false; error: { code: VectorIndexErrorCode; message: string } };

/**
 * Runs `body` and returns its value, or the `VectorIndexError` it threw as data; other errors
 * propagate.
 * @example return vectorIndexResult(() => this.#index.query(vector, options));
 */
export async function vectorIndexResult<T>(body: () => T | Promise<T>): Promise<VectorIndexResult<T>> {
  try {
    return { ok: true, value: await body() };
  } catch (error) {
    if (!(error instanceof VectorIndexError)) throw error;
    return { ok: false, error: { code: error.code, message: error.message } };
  }
}

/**
 * The value of a result, or its error thrown as a `VectorIndexError` (an unknown code, e.g. from
 * an object running newer code, becomes `unavailable`).
 */
export function unwrapVectorIndexResult<T>(result: VectorIndexResult<T>): T {
  if (result.ok) return result.value;
  const { code, message } = result.error;
  if (isVectorIndexErrorCode(code)) throw new VectorIndexError(code, message);
  throw new VectorIndexError("unavailable", `[${String(code)}] ${message}`);
}
