import type { AuthenticateResponse } from "../../model/authentication.js";

/** `POST /_security/oauth2/token` response. */
export interface CreateTokenResponse {
  access_token: string;
  type: "Bearer";
  /** Seconds. */
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  /** The `_authenticate` body of the subject the token was issued for. */
  authentication: AuthenticateResponse;
}

/** `DELETE /_security/oauth2/token` response. */
export interface InvalidateTokenResponse {
  invalidated_tokens: number;
  previously_invalidated_tokens: number;
  error_count: number;
}
