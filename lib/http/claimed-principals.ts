import { SECONDARY_FAILURE_REASON } from "../authc/authentication-service.js";
import type { Credentials } from "../authc/parse-authorization.js";
import { isSecurityError } from "../support/security-error.js";
import { isAuthenticationFailure, type CredentialClaim, type FailureTest } from "./failure-limiter.js";
import type { RequestSecurityHeaders } from "./read-security-headers.js";

/**
 * Whom a credential claims to be, as the failure limiter keys it: the username of a password, the
 * id of an API key, the token itself for a bearer or refresh token (the limiter digests it).
 * A password and a password grant of one username share their count, and so do a bearer token
 * and an `access_token` grant of the same token.
 */
export function principalOf(credentials: Credentials | undefined): string {
  switch (credentials?.scheme) {
    case "basic":
      return userPrincipal(credentials.username);
    case "apikey":
      return `api_key:${credentials.id}`;
    case "bearer":
      return tokenPrincipal(credentials.token);
    case "malformed":
      return `malformed:${credentials.of}`;
    default:
      return "none";
  }
}

export function userPrincipal(username: string): string {
  return `user:${username}`;
}

export function tokenPrincipal(token: string): string {
  return `token:${token}`;
}

/**
 * The claim of a request's `Authorization` and `es-secondary-authorization` headers: a failure
 * is blamed on the secondary credential when that is what failed, else on the primary one
 * (a disabled run-as target too: the caller's own pair pays for it).
 */
export function headerClaim(headers: RequestSecurityHeaders): CredentialClaim {
  const principals = [principalOf(headers.authorization.credentials)];
  if (headers.secondary !== undefined) principals.push(principalOf(headers.secondary.credentials));
  return {
    principals,
    reserve: headers.authorization.header !== undefined || headers.secondary !== undefined,
    blame(error) {
      if (!isAuthenticationFailure(error)) return -1;
      return principals.length > 1 && isSecurityError(error) && error.reason === SECONDARY_FAILURE_REASON ? 1 : 0;
    },
  };
}

/** The claim of a credential in a request body (`password`, `access_token` or `refresh_token` grants). */
export function bodyClaim(principal: string, isFailure: FailureTest): CredentialClaim {
  return { principals: [principal], reserve: true, blame: (error) => (isFailure(error) ? 0 : -1) };
}
