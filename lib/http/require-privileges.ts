import type { NextFunction, Request, RequestHandler, Response } from "express";
import { applicationDeniedReason } from "../authz/denial-message.js";
import { parseHasPrivilegesRequest } from "../authz/has-privileges.js";
import type { SecurityCore } from "../security-core.js";
import { forbiddenError } from "../support/security-error.js";
import { authenticateRequest } from "./authenticate-middleware.js";
import { sendError } from "./send-error.js";

/** What a host route demands, in `_has_privileges` request form. */
export interface PrivilegeRequirement {
  cluster?: string[];
  index?: Array<{ names: string | string[]; privileges: string[] }>;
  application?: Array<{ application: string; privileges: string[]; resources: string[] }>;
}

/**
 * A guard for host routes: 403 (Elasticsearch-shaped) unless the authenticated subject holds
 * every requested privilege. The requirement is validated once, at construction.
 */
export function createRequirePrivileges(core: SecurityCore, requirement: PrivilegeRequirement): RequestHandler {
  let parsed;
  try {
    parsed = parseHasPrivilegesRequest(requirement);
  } catch (error) {
    throw new TypeError(`express-keyguard: requirePrivileges(${JSON.stringify(requirement)}) is invalid: ${error instanceof Error ? error.message : String(error)}`);
  }
  const request = parsed;
  const productHeader = core.config.elasticProductHeader;
  return (req: Request, res: Response, next: NextFunction) => {
    const run = async () => {
      if (!req.security) await authenticateRequest(core, req, false);
      const auth = req.security!.authentication;
      const permission = await core.authorizer.permissionFor(auth);
      for (const privilege of request.cluster) {
        if (!permission.checkClusterPrivilege(privilege)) throw core.authorizer.denied(auth, privilege);
      }
      for (const entry of request.index) {
        for (const name of entry.names) {
          for (const privilege of entry.privileges) {
            if (!permission.checkIndex(name, privilege)) throw core.authorizer.denied(auth, privilege, [name]);
          }
        }
      }
      for (const entry of request.application) {
        for (const resource of entry.resources) {
          for (const privilege of entry.privileges) {
            if (!permission.checkApplication(entry.application, privilege, resource)) {
              throw forbiddenError(applicationDeniedReason({ application: entry.application, privilege, resources: [resource], ...core.authorizer.subjectOf(auth) }));
            }
          }
        }
      }
    };
    run().then(() => next(), (error: unknown) => sendError(res, error, productHeader));
  };
}
