/** The token interface of `Security`. Types only. */
import type { Authentication } from "../model/authentication.js";
import type { CreateTokenResponse, InvalidateTokenResponse } from "../services/tokens/token-responses.js";
import type { RotateSigningKeyOptions, SigningKeyRotation } from "../model/signing-key-rotation.js";

/** The token API for code: the router's `/_security/oauth2/token` endpoints as methods. */
export interface Tokens {
  /**
   * Issues an access token (`POST /_security/oauth2/token`): `grant_type` `password` (a token for
   * that user, with a refresh token), `client_credentials` (a token for the caller, no refresh
   * token) or `refresh_token` (a new pair; the refresh token is spent).
   * @param caller - the subject asking; needs `manage_token`
   * @param body - `{ grant_type, username?, password?, refresh_token?, scope? }`
   * @returns `{ access_token, type, expires_in, refresh_token?, scope?, authentication }`
   * @throws TokenRequestError (a SecurityError 400: `invalid_request`, `unsupported_grant_type`,
   *   `invalid_grant`) for a refused request; SecurityError 400 for a body that is not a JSON
   *   object or when tokens are disabled (`feature_not_enabled_exception`), 401 for wrong
   *   password-grant credentials, 403 without `manage_token`
   */
  create(caller: Authentication, body: unknown): Promise<CreateTokenResponse>;
  /**
   * Invalidates tokens (`DELETE /_security/oauth2/token`) by `token` (an access token, even
   * expired), `refresh_token`, or `username` and/or `realm_name` (all their active tokens).
   * @param caller - the subject invalidating; needs `manage_token`
   * @param body - exactly one of `{ token }`, `{ refresh_token }`, `{ username?, realm_name? }`
   * @returns the counts; all zero for a token that is not ours or no longer exists
   * @throws SecurityError 400 for an invalid body (`parse_exception`,
   *   `x_content_parse_exception`, `action_request_validation_exception`) or when tokens are
   *   disabled (`feature_not_enabled_exception`); 403 without `manage_token`
   */
  invalidate(caller: Authentication, body: unknown): Promise<InvalidateTokenResponse>;
  /**
   * Rotates the generated access-token signing key (no REST endpoint: an operator's action, also
   * `express-keyguard rotate-token-key`). New tokens carry the new key's `kid`; the replaced key
   * keeps verifying the tokens it signed until they have all expired (access-token lifetime plus
   * one minute), or stops at once with `retireImmediately` (a leaked key). Every instance sharing
   * the database follows within one `eventsPollInterval`.
   * @param options - `{ retireImmediately? }`
   * @returns the new `kid`, the keys still verifying with their retirement time, the keys dropped
   * @throws SecurityError 400 when the keys come from the `tokens.signingKey`/`signingKeys`
   *   options (rotate by redeploying) or tokens are disabled; TypeError for bad options
   */
  rotateSigningKey(options?: RotateSigningKeyOptions): Promise<SigningKeyRotation>;
}
