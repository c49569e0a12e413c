import { SecurityError, WWW_AUTHENTICATE_CHALLENGES } from "../../support/security-error.js";

/** RFC 6749 §5.2 error codes the token endpoint answers with. */
export type TokenRequestErrorCode = "invalid_request" | "invalid_grant" | "unsupported_grant_type";

/**
 * A refused token request. Over REST, `POST /_security/oauth2/token` renders it as the OAuth2
 * body `{"error": code, "error_description": description}` with status 400 (Elasticsearch's
 * `RestGetTokenAction`); as a {@link SecurityError} it is Elasticsearch's exception shape
 * (validation failures are `action_request_validation_exception`, grant failures
 * `security_exception` "invalid_grant" with the description in `header.error_description`).
 */
export class TokenRequestError extends SecurityError {
  readonly code: TokenRequestErrorCode;
  readonly description: string;

  constructor(code: TokenRequestErrorCode, description: string) {
    if (code === "invalid_grant") {
      super(400, "security_exception", "invalid_grant", { headers: { error_description: description } });
    } else {
      super(400, "action_request_validation_exception", description);
    }
    this.name = "TokenRequestError";
    this.code = code;
    this.description = description;
  }

  /** The body of the 400 response of the token endpoint. */
  toOAuth2Body(): { error: TokenRequestErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}

/** Elasticsearch's `invalidGrantException(detail)`. */
export function invalidGrant(description: string): TokenRequestError {
  return new TokenRequestError("invalid_grant", description);
}

/** RFC 6750 §3.1 challenge Elasticsearch sends with an expired or invalidated access token. */
export const EXPIRED_TOKEN_CHALLENGE = 'Bearer realm="security", error="invalid_token", error_description="The access token expired"';

/**
 * Elasticsearch's answer to an expired or invalidated access token: 401 "token expired", with the
 * `invalid_token` challenge first and the usual three after it.
 */
export function tokenExpiredError(): SecurityError {
  return new SecurityError(401, "security_exception", "token expired", {
    headers: { "WWW-Authenticate": [EXPIRED_TOKEN_CHALLENGE, ...WWW_AUTHENTICATE_CHALLENGES] },
  });
}

/** Elasticsearch's `FeatureNotEnabledException` for the token service. */
export function tokensNotEnabled(): SecurityError {
  return new SecurityError(400, "feature_not_enabled_exception", "security tokens are not enabled", {
    metadata: { "disabled.feature": "security_tokens" },
  });
}
