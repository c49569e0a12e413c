import type { KeyObject } from "node:crypto";
import jwt, { type Algorithm, type JwtPayload } from "jsonwebtoken";
import { isPlainObject } from "../../support/is-plain-object.js";
import type { NamedSigningKey } from "../../model/token-options.js";

/** `iss` of every access token; tokens of another issuer sharing the key are refused. */
export const TOKEN_ISSUER = "express-keyguard";

const ALGORITHMS: Algorithm[] = ["HS256"];
const TOKEN_ID = /^[A-Za-z0-9_-]{20}$/;

/**
 * What {@link verifyAccessToken} found. `expired` is only reported for an authentic token;
 * `unknown_key` when no key verifies the token's `kid` (none: a token from before `kid`s).
 */
export type AccessTokenCheck =
  | { status: "valid"; id: string; expiresAt: number; kid: string | undefined; key: KeyObject }
  | { status: "expired"; id: string }
  | { status: "unknown_key"; kid: string | undefined }
  | { status: "invalid" };

/** The key verifying tokens whose header names `kid`; `undefined` when there is none (or it retired). */
export type VerificationKeys = (kid: string | undefined) => KeyObject | undefined;

export interface AccessTokenClaims {
  /** Token id (`jti`): the `tokens` document. */
  id: string;
  /** Effective username (`sub`), informational. */
  subject: string;
  /** Epoch seconds. */
  issuedAt: number;
  /** Epoch seconds. */
  expiresAt: number;
}

/** Signs an access token: HS256 JWT with `kid` in the header and `jti`, `sub`, `iat`, `exp`, `iss`. */
export function signAccessToken(claims: AccessTokenClaims, key: NamedSigningKey): string {
  return jwt.sign({ jti: claims.id, sub: claims.subject, iat: claims.issuedAt, exp: claims.expiresAt, iss: TOKEN_ISSUER }, key.key, {
    algorithm: "HS256",
    keyid: key.id,
  });
}

/**
 * The `kid` of a token's header, read before verification only to choose the key (the signature
 * covers the header, so a changed `kid` fails verification); `null` when the header is not a JSON
 * object or its `kid` not a string.
 */
function headerKeyId(token: string): string | undefined | null {
  const dot = token.indexOf(".");
  if (dot <= 0) return null;
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(token.slice(0, dot), "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!isPlainObject(header)) return null;
  const kid = header.kid;
  if (kid === undefined) return undefined;
  return typeof kid === "string" ? kid : null;
}

/**
 * Verifies an access token with the key its `kid` names and the algorithm pinned to HS256:
 * `alg: none`, other algorithms, a wrong signature, tampering, a foreign issuer or a malformed
 * value are `invalid`; an authentic token past `exp` (checked against `nowMs`) is `expired`.
 *
 * @param ignoreExpiration report an authentic expired token as `valid` (invalidation accepts them).
 */
export function verifyAccessToken(token: string, keys: VerificationKeys, nowMs: number, ignoreExpiration = false): AccessTokenCheck {
  const kid = headerKeyId(token);
  if (kid === null) return { status: "invalid" };
  const key = keys(kid);
  if (!key) return { status: "unknown_key", kid };
  let payload: string | JwtPayload;
  try {
    payload = jwt.verify(token, key, {
      algorithms: ALGORITHMS,
      issuer: TOKEN_ISSUER,
      clockTimestamp: Math.floor(nowMs / 1000),
      ignoreExpiration,
    });
  } catch (error) {
    if (error instanceof jwt.TokenExpiredError) {
      // The signature was checked before the expiry, so the id can be trusted.
      const decoded = jwt.decode(token, { json: true });
      const id = decoded?.jti;
      if (decoded?.iss === TOKEN_ISSUER && typeof id === "string" && TOKEN_ID.test(id)) return { status: "expired", id };
      return { status: "invalid" };
    }
    return { status: "invalid" };
  }
  if (typeof payload === "string" || typeof payload.jti !== "string" || !TOKEN_ID.test(payload.jti) || typeof payload.exp !== "number") {
    return { status: "invalid" };
  }
  return { status: "valid", id: payload.jti, expiresAt: payload.exp * 1000, kid, key };
}
