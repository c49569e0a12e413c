import { SecurityError } from "../../support/security-error.js";

/** Why a captured identity can no longer be used. */
export type RevocationCause =
  | "user_not_found"
  | "user_disabled"
  | "realm_not_found"
  | "api_key_not_found"
  | "api_key_invalidated"
  | "api_key_expired"
  | "api_key_owner_changed";

/**
 * The identity captured for background work has been revoked since: the user was deleted or
 * disabled, its realm is gone, or the API key was invalidated, expired or deleted. The work must
 * stop (or ask the user again); retrying will not help. Transient failures (the database being
 * unreachable) are never reported this way: they keep their own `SecurityError` (503).
 *
 * Rendered as a 401 `security_exception`, without `WWW-Authenticate` challenges: the problem is
 * the stored identity, not the credentials of whatever request may be reporting it.
 */
export class IdentityRevokedError extends SecurityError {
  /** Stable, machine-readable identifier of this failure. */
  static readonly code = "ERR_KEYGUARD_IDENTITY_REVOKED";
  readonly code = IdentityRevokedError.code;
  /** Which check failed. */
  readonly revocation: RevocationCause;

  constructor(revocation: RevocationCause, reason: string, cause?: SecurityError) {
    super(401, "security_exception", reason, { metadata: { revocation }, ...(cause ? { cause } : {}) });
    this.name = "IdentityRevokedError";
    this.revocation = revocation;
  }
}
