/** What an `Authorization`-style header carried, before any realm has looked at it. */
export type Credentials =
  | { scheme: "basic"; username: string; password: string }
  | { scheme: "apikey"; id: string; secret: string }
  | { scheme: "bearer"; token: string }
  /** A known scheme with a value that cannot be decoded: an unsuccessful attempt, not a 500. */
  | { scheme: "malformed"; of: "basic" | "apikey" | "bearer"; reason: string }
  /** A scheme no authenticator handles. */
  | { scheme: "unknown"; name: string };

/** Header values longer than this are refused before decoding. */
export const MAX_CREDENTIAL_LENGTH = 8192;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(value: string): string | undefined {
  if (value.length === 0 || value.length % 4 === 1 || !BASE64.test(value)) return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  return decoded;
}

/**
 * Parses `Basic`, `ApiKey` and `Bearer` credentials (schemes are case-insensitive). Returns
 * `undefined` when there is no header at all.
 */
export function parseAuthorization(header: string | undefined): Credentials | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === "") return undefined;
  const space = value.indexOf(" ");
  const scheme = (space < 0 ? value : value.slice(0, space)).toLowerCase();
  const rest = space < 0 ? "" : value.slice(space + 1).trim();

  if (scheme !== "basic" && scheme !== "apikey" && scheme !== "bearer") {
    return { scheme: "unknown", name: scheme.slice(0, 32) };
  }
  if (rest.length > MAX_CREDENTIAL_LENGTH) {
    return { scheme: "malformed", of: scheme, reason: "credentials are too long" };
  }
  if (scheme === "bearer") {
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (rest === "" || /[\s\u0000-\u001f\u007f]/.test(rest)) return { scheme: "malformed", of: "bearer", reason: "invalid bearer token" };
    return { scheme: "bearer", token: rest };
  }
  const decoded = decodeBase64(rest);
  if (scheme === "basic") {
    if (decoded === undefined) return { scheme: "malformed", of: "basic", reason: "invalid basic authentication header encoding" };
    const colon = decoded.indexOf(":");
    if (colon < 0) return { scheme: "malformed", of: "basic", reason: "invalid basic authentication header value" };
    return { scheme: "basic", username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (decoded === undefined) return { scheme: "malformed", of: "apikey", reason: "invalid ApiKey value" };
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) return { scheme: "malformed", of: "apikey", reason: "invalid ApiKey value" };
  return { scheme: "apikey", id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}
