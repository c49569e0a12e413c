/** What the page signs its requests with: a ready `Authorization` header value. */
export interface Credentials {
  header: string;
}

const HEADER = /^(Basic|ApiKey) [A-Za-z0-9+/=_-]+$/;

/** Base64 of the text's UTF-8 bytes (`btoa` alone takes Latin-1 only). */
export function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function passwordCredentials(username: string, password: string): Credentials {
  return { header: "Basic " + base64Utf8(username + ":" + password) };
}

/** `value`: the `encoded` form, or `id:api_key` (encoded here). */
export function apiKeyCredentials(value: string): Credentials {
  return { header: "ApiKey " + (value.includes(":") ? base64Utf8(value) : value) };
}

/**
 * Credentials kept in session storage, or `null` when there are none or they are not a plain
 * header value (storage is writable by anything running on the origin).
 */
export function parseSavedCredentials(raw: string | null): Credentials | null {
  if (!raw) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const header: unknown = (parsed as { header?: unknown }).header;
  return typeof header === "string" && HEADER.test(header) ? { header } : null;
}
