/**
 * The console's only way to the Worker: its existing JSON API, called with the admin key as
 * `Authorization: Bearer`. Errors arrive in the API's shape `{error: {code, message}}` and are
 * thrown as {@link ApiError}; a 401 also calls `onUnauthorized` (the key was revoked or rotated).
 */

/** An error answer of the API. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A client of the Worker's API. */
export interface AdminApi {
  /** GETs `path` and parses the JSON body. */
  get<T>(path: string): Promise<T>;
  /** Sends `body` as JSON with `method` and parses the JSON answer. */
  send<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T>;
}

/** Options of {@link adminApi}. */
export interface AdminApiOptions {
  /** Called once per 401 answer. */
  onUnauthorized?: () => void;
  /** The Worker's origin; default this page's. */
  baseUrl?: string;
}

/** A client that sends `key` with every request. */
export function adminApi(key: string, options: AdminApiOptions = {}): AdminApi {
  const { onUnauthorized = () => {}, baseUrl = "" } = options;
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${key}`, accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      cache: "no-store",
      credentials: "omit",
    });
    const text = await response.text();
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      if (response.ok) throw new ApiError(response.status, "invalid_json", `${path} answered something other than JSON`);
    }
    if (!response.ok) {
      if (response.status === 401) onUnauthorized();
      const error = (parsed as { error?: { code?: string; message?: string } } | null)?.error;
      throw new ApiError(
        response.status,
        error?.code ?? `http_${response.status}`,
        error?.message ?? `${method} ${path} answered ${response.status}`,
      );
    }
    return parsed as T;
  }
  return {
    get: (path) => request("GET", path),
    send: (method, path, body) => request(method, path, body),
  };
}

/** A readable line for any error a page catches. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.code} (${error.status}): ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
