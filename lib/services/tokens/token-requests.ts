/**
 * Parsing and validation of the token endpoint bodies with Elasticsearch's messages: parse errors
 * (unknown fields, wrong JSON types) first, then one aggregated `Validation Failed` message
 * (`CreateTokenRequest.validate`, `InvalidateTokenRequest.validate`).
 */
import { isPlainObject, typeName, type JsonObject } from "../../support/json-input.js";
import { illegalArgument, parseError, SecurityError, validationError, xContentParseError } from "../../support/security-error.js";
import { TokenRequestError } from "../../authc/token/token-errors.js";

export type TokenGrantType = "password" | "client_credentials" | "refresh_token";

export interface ParsedCreateTokenRequest {
  grantType: TokenGrantType;
  username: string | undefined;
  password: string | undefined;
  refreshToken: string | undefined;
  /** Echoed as `scope: "full"` when given (tokens always have the full scope). */
  scope: string | undefined;
}

export type ParsedInvalidateTokenRequest =
  | { kind: "access_token"; token: string }
  | { kind: "refresh_token"; token: string }
  | { kind: "owner"; username: string | undefined; realmName: string | undefined };

/** The grant types this library serves, in Elasticsearch's order (Kerberos is out of scope). */
export const SUPPORTED_GRANT_TYPES: readonly TokenGrantType[] = ["password", "refresh_token", "client_credentials"];

const CREATE_PARSER = "token_request";
const CREATE_FIELDS = ["grant_type", "username", "password", "kerberos_ticket", "scope", "refresh_token"];
const INVALIDATE_PARSER = "invalidate_token";
const INVALIDATE_FIELDS = ["token", "refresh_token", "realm_name", "username"];

function requireBody(body: unknown): JsonObject {
  if (body === undefined || body === null || body === "") throw parseError("request body is required");
  if (!isPlainObject(body)) throw xContentParseError(`request body must be a JSON object but found [${typeName(body)}]`);
  return body;
}

function stringFields(parser: string, body: JsonObject, allowed: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(body)) {
    if (!allowed.includes(key)) throw xContentParseError(`[${parser}] unknown field [${key}]`);
    if (value === null || value === undefined) continue;
    if (typeof value !== "string") throw xContentParseError(`[${parser}] ${key} doesn't support values of type: ${typeName(value)}`);
    out[key] = value;
  }
  return out;
}

/** Elasticsearch's `Strings.hasText`. */
function hasText(value: string | undefined): value is string {
  return value !== undefined && value.trim().length > 0;
}

/**
 * `POST /_security/oauth2/token`. Validation failures are {@link TokenRequestError}s:
 * `unsupported_grant_type` when a message names `grant_type` (Elasticsearch's rule), else
 * `invalid_request`.
 */
export function parseCreateTokenRequest(body: unknown): ParsedCreateTokenRequest {
  const input = stringFields(CREATE_PARSER, requireBody(body), CREATE_FIELDS);
  const grantType = input.grant_type;
  const problems: string[] = [];
  const required = (field: string) => {
    if (!input[field]) problems.push(`${field} is missing`);
  };
  const unsupported = (field: string) => {
    if (input[field] !== undefined) problems.push(`${field} is not supported with the ${grantType} grant_type`);
  };
  switch (grantType) {
    case "password":
      unsupported("kerberos_ticket");
      unsupported("refresh_token");
      required("username");
      required("password");
      break;
    case "refresh_token":
      unsupported("username");
      unsupported("password");
      unsupported("kerberos_ticket");
      required("refresh_token");
      break;
    case "client_credentials":
      unsupported("username");
      unsupported("password");
      unsupported("kerberos_ticket");
      unsupported("refresh_token");
      break;
    default:
      problems.push(`grant_type only supports the values: [${SUPPORTED_GRANT_TYPES.join(", ")}]`);
  }
  if (problems.length > 0) {
    const reason = validationError(problems).reason;
    throw new TokenRequestError(problems.some((p) => p.includes("grant_type")) ? "unsupported_grant_type" : "invalid_request", reason);
  }
  return {
    grantType: grantType as TokenGrantType,
    username: input.username,
    password: input.password,
    refreshToken: input.refresh_token,
    scope: input.scope,
  };
}

/** `DELETE /_security/oauth2/token` (RestInvalidateTokenAction's parser, then `validate()`). */
export function parseInvalidateTokenRequest(body: unknown): ParsedInvalidateTokenRequest {
  const input = stringFields(INVALIDATE_PARSER, requireBody(body), INVALIDATE_FIELDS);
  const token = input.token !== undefined && input.token.length > 0 ? input.token : undefined;
  const refreshToken = input.refresh_token !== undefined && input.refresh_token.length > 0 ? input.refresh_token : undefined;
  if (token !== undefined && refreshToken !== undefined) {
    throw new SecurityError(400, "x_content_parse_exception", `Failed to build [${INVALIDATE_PARSER}] after last required field arrived`, {
      cause: illegalArgument("only one of [token, refresh_token] may be sent per request"),
    });
  }
  const username = hasText(input.username) ? input.username : undefined;
  const realmName = hasText(input.realm_name) ? input.realm_name : undefined;
  const tokenString = token ?? refreshToken;
  if (username !== undefined || realmName !== undefined) {
    if (tokenString !== undefined) {
      throw validationError([
        "token string must not be provided when realm name or username is specified",
        "token type must not be provided when realm name or username is specified",
      ]);
    }
    return { kind: "owner", username, realmName };
  }
  if (tokenString === undefined) throw validationError("token string must be provided when not specifying a realm name or a username");
  return token !== undefined ? { kind: "access_token", token } : { kind: "refresh_token", token: tokenString };
}
