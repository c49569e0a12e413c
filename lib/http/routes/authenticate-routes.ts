import type { Router } from "express";
import { describeUserPrivileges } from "../../authz/user-privileges.js";
import { evaluateHasPrivileges, parseHasPrivilegesRequest } from "../../authz/has-privileges.js";
import type { HttpServices } from "../http-services.js";
import { illegalArgument } from "../../support/security-error.js";
import type { Route } from "../route.js";

/** `_authenticate`, `_has_privileges`, `_privileges`: open to every authenticated subject. */
export function mountAuthenticateRoutes(router: Router, core: HttpServices, route: Route): void {
  router.get(
    "/_authenticate",
    route([], ({ auth }) => Promise.resolve({ body: auth.toJSON() })),
  );

  const hasPrivileges = route([], async ({ auth, body, params }) => {
    if (params.username !== undefined && params.username !== auth.user.username) {
      throw illegalArgument(`users may only check the privileges of their own account`);
    }
    const request = parseHasPrivilegesRequest(body ?? {});
    const permission = await core.authorizer.permissionFor(auth);
    return { body: evaluateHasPrivileges(auth.user.username, permission, request) };
  });
  router.get("/user/_has_privileges", hasPrivileges);
  router.post("/user/_has_privileges", hasPrivileges);
  router.get("/user/:username/_has_privileges", hasPrivileges);
  router.post("/user/:username/_has_privileges", hasPrivileges);

  router.get(
    "/user/_privileges",
    route([], async ({ auth }) => {
      const key = auth.effectiveApiKey;
      if (key) {
        if (Object.keys(key.roleDescriptors).length > 0) {
          throw illegalArgument(
            "Cannot retrieve privileges for API keys with assigned role descriptors. Please use the Get API key information API https://ela.st/es-api-get-api-key",
          );
        }
        return { body: describeUserPrivileges(Object.values(key.limitedBy)) };
      }
      const roles = await core.authorizer.resolveRoles(auth.user.roles);
      return { body: describeUserPrivileges(roles.map((r) => r.descriptor)) };
    }),
  );
}
