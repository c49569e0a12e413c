import type { Router } from "express";
import type { HttpServices } from "../http-services.js";
import { listParam, type Route } from "../route.js";

/** `/role`: native roles, one at a time or in bulk, and the role cache. */
export function mountRoleRoutes(router: Router, core: HttpServices, route: Route): void {
  router.post(
    "/role",
    route(["refresh"], async ({ auth, body }) => ({ body: await core.roles.bulkPut(auth, body) })),
  );
  router.delete(
    "/role",
    route(["refresh"], async ({ auth, body }) => ({ body: await core.roles.bulkDelete(auth, body) })),
  );
  router.post(
    "/role/:names/_clear_cache",
    route([], async ({ auth, params }) => ({ body: await core.roles.clearCache(auth, listParam(params.names)) })),
  );

  const put = route(["refresh"], async ({ auth, params, body }) => ({ body: await core.roles.put(auth, params.name as string, body) }));
  router.put("/role/:name", put);
  router.post("/role/:name", put);

  const get = route([], async ({ auth, params }) => {
    const roles = await core.roles.get(auth, listParam(params.names));
    return roles ? { body: roles } : { status: 404, body: {} };
  });
  router.get("/role", get);

  const query = route([], async ({ auth, body }) => ({ body: await core.roles.query(auth, body) }));
  router.get("/_query/role", query);
  router.post("/_query/role", query);
  router.get("/role/:names", get);

  router.delete(
    "/role/:name",
    route(["refresh"], async ({ auth, params }) => {
      const result = await core.roles.delete(auth, params.name as string);
      return { status: result.found ? 200 : 404, body: result };
    }),
  );
}
