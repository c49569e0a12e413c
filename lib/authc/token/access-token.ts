import type { KeyObject } from "node:crypto";
import jwt, { type Algorithm, type JwtPayload } from "jsonwebtoken";

/** `iss` of every access token; tokens of another issuer sharing the key are refused. */
export const TOKEN_ISSUER = "express-keyguard";

const ALGORITHMS: Algorithm[] = ["HS256"];
const TOKEN_ID = /^[A-Za-z0-9_-]{20}$/;

/** What {@link verifyAccessToken} found. `expired` is only reported for an authentic token. */
export type AccessTokenCheck =
  { status: "valid"; id: string; expiresAt: number } | { status: "expired"; id: string } | { status: "invalid" };

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

/** Signs an access token: HS256 JWT with `jti`, `sub`, `iat`, `exp`, `iss`. */
export function signAccessToken(claims: AccessTokenClaims, key: KeyObject): string {
  return jwt.sign({ jti: claims.id, sub: claims.subject, iat: claims.issuedAt, exp: claims.expiresAt, iss: TOKEN_ISSUER }, key, {
    algorithm: "HS256",
  });
}

/**
 * Verifies an access token with the algorithm pinned to HS256: `alg: none`, other algorithms, a
 * wrong signature, tampering, a foreign issuer or a malformed value are `invalid`; an authentic
 * token past `exp` (checked against `nowMs`) is `expired`.
 *
 * @param ignoreExpiration report an authentic expired token as `valid` (invalidation accepts them).
 */
export function verifyAccessToken(token: string, key: KeyObject, nowMs: number, ignoreExpiration = false): AccessTokenCheck {
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
  return { status: "valid", id: payload.jti, expiresAt: payload.exp * 1000 };
}
