import { sanitizeApiBase } from "./api-base.js";
import { state } from "./app-state.js";
import { describeApiError } from "./describe-api-error.js";

/** A failed call: `status` 0 when the server could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

const apiBase = sanitizeApiBase(document.querySelector('meta[name="keyguard-api-base"]')?.getAttribute("content") ?? "");

/**
 * One call to the router's `/_security` API with the signed-in user's credentials. The answer is
 * typed by the caller: it comes from this package's own server.
 * @throws ApiError with Elasticsearch's reason.
 */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T | null> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (state.credentials) headers.Authorization = state.credentials.header;
  // credentials: "omit" keeps cookies and the browser's own Basic-auth cache out of these
  // requests (so no cross-site request can ride on them) and stops the browser's login prompt.
  const init: RequestInit = { method, headers, credentials: "omit", cache: "no-store", redirect: "error" };
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let response: Response;
  try {
    response = await fetch(apiBase + path, init);
  } catch {
    throw new ApiError(0, "The server could not be reached. Check the connection and try again.");
  }
  const text = await response.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) throw new ApiError(response.status, describeApiError(response.status, data, response.headers.get("retry-after")));
  return data as T | null;
}

/** The message of anything thrown, for the page's error texts. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
