import type { Router } from "express";
import type { HttpServices } from "../http-services.js";
import { listParam, type Route } from "../route.js";

/** `/realm`: clearing the realms' user caches. */
export function mountRealmRoutes(router: Router, core: HttpServices, route: Route): void {
  router.post(
    "/realm/:realms/_clear_cache",
    route(["usernames"], async ({ auth, params, query }) => ({
      body: await core.realmCache.clearCache(auth, listParam(params.realms), listParam(query.usernames)),
    })),
  );
}
