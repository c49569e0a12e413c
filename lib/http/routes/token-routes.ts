import type { Router } from "express";
import { TokenRequestError } from "../../authc/token/token-errors.js";
import type { HttpServices } from "../http-services.js";
import { isPlainObject } from "../../support/json-input.js";
import { bodyClaim, userPrincipal } from "../claimed-principals.js";
import { isAuthenticationFailure, type FailureLimiter } from "../failure-limiter.js";
import type { Route } from "../route.js";

/**
 * `POST`/`DELETE /_security/oauth2/token`. A refused token request is answered the OAuth2 way,
 * 400 `{"error", "error_description"}` (Elasticsearch's `RestGetTokenAction`); an invalidation
 * naming a token that does not exist is a 404 with the all-zero counts (Elasticsearch's
 * `RestInvalidateTokenAction`).
 *
 * The `password` and `refresh_token` grants check a credential from the body: with `limiter`,
 * they run under the failed-authentication limit of the calling address and the principal the
 * body names (the username, or the refresh token), and a wrong password
 * (401) or refresh token (400 `invalid_grant`) counts as a failed authentication.
 */
export function mountTokenRoutes(router: Router, core: HttpServices, route: Route, limiter?: FailureLimiter): void {
  const tokens = core.tokens;

  router.post(
    "/oauth2/token",
    route([], async ({ req, auth, body }) => {
      try {
        const create = () => tokens.create(auth, body);
        const principal = grantPrincipal(body);
        return {
          body: await (limiter && principal !== undefined ? limiter.guard(req, bodyClaim(principal, isGrantFailure), create) : create()),
        };
      } catch (error) {
        if (error instanceof TokenRequestError) return { status: 400, body: error.toOAuth2Body() };
        throw error;
      }
    }),
  );

  router.delete(
    "/oauth2/token",
    route([], async ({ auth, body }) => {
      const response = await tokens.invalidate(auth, body);
      const namedToken = isPlainObject(body) && (isNonEmptyString(body.token) || isNonEmptyString(body.refresh_token));
      const nothing = response.invalidated_tokens === 0 && response.previously_invalidated_tokens === 0 && response.error_count === 0;
      return { status: namedToken && nothing ? 404 : 200, body: response };
    }),
  );
}

/** A wrong password or refresh token; never a validation error or the caller's missing privilege. */
function isGrantFailure(error: unknown): boolean {
  if (error instanceof TokenRequestError) return error.code === "invalid_grant";
  return isAuthenticationFailure(error);
}

/** Whom a token request's body credential claims to be; `undefined` when it carries none to check. */
function grantPrincipal(body: unknown): string | undefined {
  if (!isPlainObject(body)) return undefined;
  if (body.grant_type === "password" && typeof body.username === "string") return userPrincipal(body.username);
  if (body.grant_type === "refresh_token" && typeof body.refresh_token === "string") return `refresh_token:${body.refresh_token}`;
  return undefined;
}

function isNonEmptyString(value: unknown): boolean {
  return typeof value === "string" && value.length > 0;
}
