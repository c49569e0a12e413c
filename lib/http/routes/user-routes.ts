import type { Router } from "express";
import type { HttpServices } from "../http-services.js";
import { booleanParam, listParam, type Route } from "../route.js";

/** `/user`: native users. */
export function mountUserRoutes(router: Router, core: HttpServices, route: Route): void {
  const password = route(["refresh"], async ({ auth, params, body }) => {
    const found = await core.users.changePassword(auth, params.username, body);
    return found ? { body: {} } : { status: 404, body: notFound(params.username ?? auth.user.username) };
  });
  router.put("/user/_password", password);
  router.post("/user/_password", password);

  const put = route(["refresh"], async ({ auth, params, body }) => ({ body: await core.users.put(auth, params.username as string, body) }));
  router.put("/user/:username/_password", password);
  router.post("/user/:username/_password", password);
  router.put("/user/:username", put);
  router.post("/user/:username", put);

  const get = route(["with_profile_uid"], async ({ auth, params, query }) => {
    booleanParam(query, "with_profile_uid");
    const users = await core.users.get(auth, listParam(params.usernames));
    return users ? { body: users } : { status: 404, body: {} };
  });
  router.get("/user", get);

  const query = route(["with_profile_uid"], async ({ auth, body, query: params }) => ({
    body: await core.users.query(auth, body, { with_profile_uid: booleanParam(params, "with_profile_uid") }),
  }));
  router.get("/_query/user", query);
  router.post("/_query/user", query);
  router.get("/user/:usernames", get);

  router.delete(
    "/user/:username",
    route(["refresh"], async ({ auth, params }) => {
      const result = await core.users.delete(auth, params.username as string);
      return { status: result.found ? 200 : 404, body: result };
    }),
  );

  for (const [suffix, enabled] of [
    ["_enable", true],
    ["_disable", false],
  ] as const) {
    const handler = route(["refresh"], async ({ auth, params }) => {
      const found = await core.users.setEnabled(auth, params.username as string, enabled);
      return found ? { body: {} } : { status: 404, body: notFound(params.username as string) };
    });
    router.put(`/user/:username/${suffix}`, handler);
    router.post(`/user/:username/${suffix}`, handler);
  }
}

function notFound(username: string) {
  const cause = { type: "resource_not_found_exception", reason: `user [${username}] does not exist` };
  return { error: { root_cause: [cause], ...cause }, status: 404 };
}
