import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenRequestError } from "../../../../lib/authc/token/token-errors.js";
import { parseCreateTokenRequest, parseInvalidateTokenRequest } from "../../../../lib/services/tokens/token-requests.js";
import { SecurityError } from "../../../../lib/support/security-error.js";
import { throwsSecurityError } from "../../../support/throws-security-error.js";

function oauthError(body: unknown, code: string, description: string): void {
  assert.throws(
    () => parseCreateTokenRequest(body),
    (error: unknown) => {
      assert.ok(error instanceof TokenRequestError, String(error));
      assert.deepEqual(error.toOAuth2Body(), { error: code, error_description: description });
      assert.equal(error.status, 400);
      return true;
    },
    JSON.stringify(body),
  );
}

describe("token request parsing", () => {
  it("accepts the three grant types", () => {
    assert.deepEqual(parseCreateTokenRequest({ grant_type: "password", username: "u", password: "p" }), {
      grantType: "password",
      username: "u",
      password: "p",
      refreshToken: undefined,
      scope: undefined,
    });
    assert.equal(parseCreateTokenRequest({ grant_type: "client_credentials", scope: "FULL" }).scope, "FULL");
    assert.equal(parseCreateTokenRequest({ grant_type: "refresh_token", refresh_token: "r" }).refreshToken, "r");
  });

  it("answers validation failures with Elasticsearch's messages and OAuth2 codes", () => {
    const supported = "grant_type only supports the values: [password, refresh_token, client_credentials]";
    oauthError({}, "unsupported_grant_type", `Validation Failed: 1: ${supported};`);
    oauthError({ grant_type: "_kerberos", kerberos_ticket: "t" }, "unsupported_grant_type", `Validation Failed: 1: ${supported};`);
    oauthError({ grant_type: "password" }, "invalid_request", "Validation Failed: 1: username is missing;2: password is missing;");
    oauthError({ grant_type: "password", username: "u", password: "" }, "invalid_request", "Validation Failed: 1: password is missing;");
    // Elasticsearch picks unsupported_grant_type whenever a message mentions grant_type.
    oauthError(
      { grant_type: "password", username: "u", password: "p", refresh_token: "r" },
      "unsupported_grant_type",
      "Validation Failed: 1: refresh_token is not supported with the password grant_type;",
    );
    oauthError({ grant_type: "refresh_token" }, "invalid_request", "Validation Failed: 1: refresh_token is missing;");
    oauthError(
      { grant_type: "client_credentials", username: "u", password: "p" },
      "unsupported_grant_type",
      "Validation Failed: 1: username is not supported with the client_credentials grant_type;2: password is not supported with the client_credentials grant_type;",
    );
  });

  it("refuses parse errors before validation, as Elasticsearch's parser does", () => {
    throwsSecurityError(
      () => parseCreateTokenRequest({ grant_type: "password", extra: 1 }),
      "x_content_parse_exception",
      "[token_request] unknown field [extra]",
    );
    throwsSecurityError(
      () => parseCreateTokenRequest({ grant_type: "password", password: { $ne: 1 } }),
      "x_content_parse_exception",
      "[token_request] password doesn't support values of type: START_OBJECT",
    );
    throwsSecurityError(() => parseCreateTokenRequest(undefined), "parse_exception", "request body is required");
    throwsSecurityError(() => parseCreateTokenRequest([1]), "x_content_parse_exception", /request body must be a JSON object/);
  });

  it("parses invalidation bodies", () => {
    assert.deepEqual(parseInvalidateTokenRequest({ token: "t" }), { kind: "access_token", token: "t" });
    assert.deepEqual(parseInvalidateTokenRequest({ refresh_token: "r" }), { kind: "refresh_token", token: "r" });
    assert.deepEqual(parseInvalidateTokenRequest({ username: "u" }), { kind: "owner", username: "u", realmName: undefined });
    assert.deepEqual(parseInvalidateTokenRequest({ realm_name: "native", username: "u" }), {
      kind: "owner",
      username: "u",
      realmName: "native",
    });
    assert.deepEqual(parseInvalidateTokenRequest({ token: "", username: "u" }), { kind: "owner", username: "u", realmName: undefined });
  });

  it("refuses bad invalidation bodies with Elasticsearch's messages", () => {
    throwsSecurityError(
      () => parseInvalidateTokenRequest({}),
      "action_request_validation_exception",
      "Validation Failed: 1: token string must be provided when not specifying a realm name or a username;",
    );
    throwsSecurityError(
      () => parseInvalidateTokenRequest({ username: "  " }),
      "action_request_validation_exception",
      /token string must be provided/,
    );
    throwsSecurityError(
      () => parseInvalidateTokenRequest({ token: "t", username: "u" }),
      "action_request_validation_exception",
      "Validation Failed: 1: token string must not be provided when realm name or username is specified;2: token type must not be provided when realm name or username is specified;",
    );
    throwsSecurityError(
      () => parseInvalidateTokenRequest({ token: "t", refresh_token: "r" }),
      "x_content_parse_exception",
      "Failed to build [invalidate_token] after last required field arrived",
    );
    try {
      parseInvalidateTokenRequest({ token: "t", refresh_token: "r" });
    } catch (error) {
      assert.ok(error instanceof SecurityError);
      assert.deepEqual(error.toJSON().error.caused_by, {
        type: "illegal_argument_exception",
        reason: "only one of [token, refresh_token] may be sent per request",
      });
    }
    throwsSecurityError(
      () => parseInvalidateTokenRequest({ token: 5 }),
      "x_content_parse_exception",
      "[invalidate_token] token doesn't support values of type: VALUE_NUMBER",
    );
    throwsSecurityError(
      () => parseInvalidateTokenRequest({ ids: ["x"] }),
      "x_content_parse_exception",
      "[invalidate_token] unknown field [ids]",
    );
  });
});
