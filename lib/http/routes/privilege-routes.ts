import type { Router } from "express";
import type { HttpServices } from "../http-services.js";
import { listParam, type Route } from "../route.js";

/**
 * `/privilege`: named application privileges, the built-in privilege names and the privilege
 * cache. `/privilege/_builtin` is registered before `/privilege/:application`, so it is never
 * taken for an application (whose names cannot start with `_` anyway).
 */
export function mountPrivilegeRoutes(router: Router, core: HttpServices, route: Route): void {
  router.get(
    "/privilege/_builtin",
    route([], async ({ auth }) => ({ body: await core.privileges.getBuiltin(auth) })),
  );
  router.post(
    "/privilege/:applications/_clear_cache",
    route([], async ({ auth, params }) => ({ body: await core.privileges.clearCache(auth, listParam(params.applications)) })),
  );

  const put = route(["refresh"], async ({ auth, body }) => ({ body: await core.privileges.put(auth, body) }));
  router.put("/privilege", put);
  router.post("/privilege", put);

  const get = route([], async ({ auth, params }) => {
    const application =
      params.application === undefined || params.application === "_all" || params.application === "*" ? undefined : params.application;
    const found = await core.privileges.get(auth, application, listParam(params.names));
    return found ? { body: found } : { status: 404, body: {} };
  });
  router.get("/privilege", get);
  router.get("/privilege/:application", get);
  router.get("/privilege/:application/:names", get);

  router.delete(
    "/privilege/:application/:names",
    route(["refresh"], async ({ auth, params }) => {
      const result = await core.privileges.delete(auth, params.application as string, listParam(params.names) ?? []);
      const anyFound = Object.values(result[params.application as string] ?? {}).some((r) => r.found);
      return { status: anyFound ? 200 : 404, body: result };
    }),
  );
}
