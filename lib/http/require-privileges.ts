import type { NextFunction, Request, RequestHandler, Response } from "express";
import { parseHasPrivilegesRequest } from "../authz/has-privileges.js";
import type { PermissionCheck } from "../authz/permission-check.js";
import type { HttpServices } from "./http-services.js";
import { storeTimeoutError } from "../support/security-error.js";
import { withDeadline } from "../support/with-deadline.js";
import { authenticateLimited } from "./authenticate-middleware.js";
import { crossSiteWriteError } from "./cross-site-write-check.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { markGuard } from "./guard-registry.js";
import type { Responder } from "./responder.js";
import { chargeRoute, parseRouteCost, type RouteCost } from "./consume-middleware.js";

/** What a host route demands, in `_has_privileges` request form. */
export interface PrivilegeRequirement {
  cluster?: string[];
  /** `allow_restricted_indices`: whether a pattern also covers restricted indices (`.security*`), as in `_has_privileges`. */
  index?: Array<{ names: string | string[]; privileges: string[]; allow_restricted_indices?: boolean }>;
  application?: Array<{ application: string; privileges: string[]; resources: string[] }>;
}

/** How a guarded route behaves beyond its privileges. */
export interface RequirePrivilegesOptions {
  /**
   * What the route costs a key with limits once the privileges are granted, as
   * `security.consume(name, cost)` does (a refused request pays nothing).
   */
  consume?: RouteCost;
}

/**
 * A guard for host routes: 403 (Elasticsearch-shaped) unless the authenticated subject holds
 * every requested privilege, exactly as `_has_privileges` would answer (`Authorizer.ensure`). The requirement is validated once, at construction. Without
 * `authenticate()` in front it authenticates by itself, under the same failed-authentication
 * limit (`limiter`). On a state-changing method, a request whose credential a browser may have
 * attached by itself (a cookie realm's session, a remembered Basic login) must also show it is no
 * cross-site form post (see `crossSiteWriteError`).
 */
export function createRequirePrivileges(
  core: HttpServices,
  requirement: PrivilegeRequirement,
  responder: Responder,
  limiter?: FailureLimiter,
  options: RequirePrivilegesOptions = {},
): RequestHandler {
  const consume = options.consume === undefined ? undefined : parseRouteCost(options.consume, "requirePrivileges(…, { consume })");
  let parsed;
  try {
    parsed = parseHasPrivilegesRequest(requirement);
  } catch (error) {
    throw new TypeError(
      `express-keyguard: requirePrivileges(${JSON.stringify(requirement)}) is invalid: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const request = parsed;
  // Permissions that passed every check of this guard. A permission object never changes (a role,
  // key or privilege change builds a new one), so the verdict holds as long as the object lives.
  const granted = new WeakSet<PermissionCheck>();
  const guard = (req: Request, res: Response, next: NextFunction) => {
    // Hot path: an authenticated subject whose permission is built and already passed here is
    // let through synchronously, without a promise or a check.
    const known = req.security ? core.authorizer.cachedPermission(req.security.authentication) : undefined;
    if (known !== undefined && granted.has(known)) {
      const refused = crossSiteWriteError(req, core.chain);
      if (refused) return responder.sendError(req, res, refused);
      return consume === undefined ? next() : chargeRoute(core.limits, consume, req, res, responder, next);
    }
    const run = async () => {
      if (!req.security) await authenticateLimited(core, limiter, req, false);
      const refused = crossSiteWriteError(req, core.chain);
      if (refused) throw refused;
      granted.add(await core.authorizer.ensure(req.security!.authentication, request));
    };
    withDeadline(run(), core.config.storeTimeoutMs, () => storeTimeoutError(core.config.storeTimeoutMs)).then(
      () => (consume === undefined ? next() : chargeRoute(core.limits, consume, req, res, responder, next)),
      (error: unknown) => responder.sendError(req, res, error),
    );
  };
  return markGuard(guard, "guard");
}
