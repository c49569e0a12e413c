import { illegalArgument } from "../../support/security-error.js";
import type { CreateApiKeyResponse } from "./api-key-responses.js";
import type { Authentication } from "../../model/authentication.js";
import { parseAuthorization } from "../../authc/parse-authorization.js";

/** The key to grant: the `api_key` part of a grant request. */
export interface GrantApiKeyForRequest {
  /** Required, as in `POST /_security/api_key/grant`. */
  name: string;
  /** E.g. `"30d"`; none means the key does not expire. */
  expiration?: string;
  /** Narrows the key below its owner's roles (recommended: only what the work needs). */
  role_descriptors?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

/** What the grant needs from the API-key service. */
export interface ApiKeyGranter {
  grant(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse>;
}

const SECONDARY = "es-secondary-authorization";

/**
 * Grants an API key owned by the secondary user, authorized by the primary caller's
 * `grant_api_key`: the secondary header's own credentials become the grant's (Basic → `password`,
 * Bearer → `access_token`). The secret is in the response only.
 *
 * @param primary the caller (needs `grant_api_key` or `manage_api_key`; not an API key)
 * @param secondaryHeader the raw `es-secondary-authorization` value, already authenticated
 */
export async function grantApiKeyFor(
  granter: ApiKeyGranter,
  primary: Authentication,
  secondaryHeader: string | undefined,
  request: GrantApiKeyForRequest,
): Promise<CreateApiKeyResponse> {
  if (typeof request !== "object" || request === null || Array.isArray(request)) {
    throw illegalArgument("grantApiKeyFor expects { name, expiration?, role_descriptors?, metadata? }");
  }
  const credentials = parseAuthorization(secondaryHeader);
  if (!credentials) {
    throw illegalArgument(`granting an API key on behalf of a user requires the user's credentials in the [${SECONDARY}] header`);
  }
  switch (credentials.scheme) {
    case "basic":
      return granter.grant(primary, {
        grant_type: "password",
        username: credentials.username,
        password: credentials.password,
        api_key: request,
      });
    case "bearer":
      return granter.grant(primary, { grant_type: "access_token", access_token: credentials.token, api_key: request });
    case "apikey":
      throw illegalArgument(
        `an API key in the [${SECONDARY}] header cannot be used to grant API keys: send the user's password (Basic) or access token (Bearer)`,
      );
    default:
      throw illegalArgument(`the [${SECONDARY}] header must carry Basic or Bearer credentials to grant an API key`);
  }
}
