import type { Router } from "express";
import type { HttpServices } from "../http-services.js";
import { isPlainObject } from "../../support/json-input.js";
import { illegalArgument } from "../../support/security-error.js";
import { bodyClaim, tokenPrincipal, userPrincipal } from "../claimed-principals.js";
import { isAuthenticationFailure, type FailureLimiter } from "../failure-limiter.js";
import { booleanParam, listParam, type Route } from "../route.js";

/** `refresh` is accepted and ignored (writes are visible at once), but must be a valid policy. */
function checkRefresh(query: Record<string, string>): void {
  const value = query.refresh;
  if (value === undefined || value === "" || value === "true" || value === "false" || value === "wait_for") return;
  throw illegalArgument(`Unknown value for refresh: [${value}].`);
}

/**
 * `/_security/api_key` and `/_security/_query/api_key`. Fixed sub-paths (`_bulk_update`, `grant`)
 * are registered before `/:id` so they are never taken for an id.
 *
 * A grant checks the credentials in its body (`password`, `access_token`): with `limiter`, it runs
 * under the failed-authentication limit of the calling address and the principal the body names
 * (the username, or the access token), and a 401 counts as a failure.
 */
export function mountApiKeyRoutes(router: Router, core: HttpServices, route: Route, limiter?: FailureLimiter): void {
  const keys = core.apiKeys;

  const create = route(["refresh"], async ({ auth, body, query }) => {
    checkRefresh(query);
    return { body: await keys.create(auth, body) };
  });
  router.post("/api_key", create);
  router.put("/api_key", create);

  router.get(
    "/api_key",
    route(
      ["id", "name", "username", "realm_name", "owner", "with_limited_by", "active_only", "with_profile_uid"],
      async ({ auth, query }) => {
        const params = {
          ...(query.id !== undefined ? { id: query.id } : {}),
          ...(query.name !== undefined ? { name: query.name } : {}),
          ...(query.username !== undefined ? { username: query.username } : {}),
          ...(query.realm_name !== undefined ? { realm_name: query.realm_name } : {}),
          owner: booleanParam(query, "owner"),
          with_limited_by: booleanParam(query, "with_limited_by"),
          active_only: booleanParam(query, "active_only"),
          with_profile_uid: booleanParam(query, "with_profile_uid"),
        };
        return { body: await keys.get(auth, params) };
      },
    ),
  );

  router.delete(
    "/api_key",
    route([], async ({ auth, body }) => ({ body: await keys.invalidate(auth, body) })),
  );

  const query = route(["with_limited_by", "with_profile_uid", "typed_keys"], async ({ auth, body, query: params }) => ({
    body: await keys.query(auth, body, {
      with_limited_by: booleanParam(params, "with_limited_by"),
      with_profile_uid: booleanParam(params, "with_profile_uid"),
      typed_keys: booleanParam(params, "typed_keys"),
    }),
  }));
  router.get("/_query/api_key", query);
  router.post("/_query/api_key", query);

  router.post(
    "/api_key/_bulk_update",
    route([], async ({ auth, body }) => ({ body: await keys.bulkUpdate(auth, body) })),
  );

  router.post(
    "/api_key/grant",
    route(["refresh"], async ({ req, auth, body, query: params }) => {
      checkRefresh(params);
      const grant = () => keys.grant(auth, body);
      const principal = grantPrincipal(body);
      return {
        body: await (limiter && principal !== undefined
          ? limiter.guard(req, bodyClaim(principal, isAuthenticationFailure), grant)
          : grant()),
      };
    }),
  );

  router.post(
    "/api_key/:ids/_clear_cache",
    route([], async ({ auth, params }) => ({ body: await keys.clearCache(auth, listParam(params.ids)) })),
  );

  // Extensions (docs/api-key-limits.md): limits, credits, disable / enable of one key.
  const setLimits = route([], async ({ auth, params, body }) => ({ body: await keys.setLimits(auth, params.id as string, body) }));
  router.put("/api_key/:id/_limits", setLimits);
  router.post("/api_key/:id/_limits", setLimits);
  router.post(
    "/api_key/:id/_credits",
    route([], async ({ auth, params, body }) => ({ body: await keys.changeCredits(auth, params.id as string, body) })),
  );
  for (const [path, enabled] of [
    ["/api_key/:id/_disable", false],
    ["/api_key/:id/_enable", true],
  ] as const) {
    const handler = route([], async ({ auth, params }) => ({
      body: await (enabled ? keys.enable(auth, params.id as string) : keys.disable(auth, params.id as string)),
    }));
    router.post(path, handler);
    router.put(path, handler);
  }

  router.put(
    "/api_key/:id",
    route(["refresh"], async ({ auth, params, body, query: params2 }) => {
      checkRefresh(params2);
      return { body: await keys.update(auth, params.id as string, body) };
    }),
  );
}

/** Whom a grant's body credential claims to be; `undefined` when it carries none to check. */
function grantPrincipal(body: unknown): string | undefined {
  if (!isPlainObject(body)) return undefined;
  if (body.grant_type === "password" && typeof body.username === "string") return userPrincipal(body.username);
  if (body.grant_type === "access_token" && typeof body.access_token === "string") return tokenPrincipal(body.access_token);
  return undefined;
}
