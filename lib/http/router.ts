import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { SecurityCore } from "../security-core.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { createBodyParser } from "./body-parser.js";
import { createAuthenticateMiddleware } from "./authenticate-middleware.js";
import { createResponseDeadline } from "./response-deadline.js";
import { crossSiteWriteError } from "./cross-site-write-check.js";
import { sendError } from "./send-error.js";
import { mountApiKeyRoutes } from "./routes/api-key-routes.js";
import { mountAuthenticateRoutes } from "./routes/authenticate-routes.js";
import { mountPrivilegeRoutes } from "./routes/privilege-routes.js";
import { mountRoleRoutes } from "./routes/role-routes.js";
import { mountTokenRoutes } from "./routes/token-routes.js";
import { mountUserRoutes } from "./routes/user-routes.js";

/** Extra route groups (API keys, tokens) register themselves through this. */
export type RouteMounter = (router: Router, core: SecurityCore) => void;

/**
 * The `/_security/*` REST surface. Every route requires authentication; when the app did not
 * install `authenticate()` in front, the router authenticates by itself. A state-changing call
 * whose credential a browser may have attached by itself must show it is no cross-site form post.
 */
export function createSecurityRouter(core: SecurityCore, limiter: FailureLimiter | undefined, extra: RouteMounter[]): Router {
  const router = express.Router();
  router.use(
    "/_security",
    createBodyParser(core.config.bodyLimit),
    createResponseDeadline(core.config.storeTimeoutMs, core.config.elasticProductHeader),
    createAuthenticateMiddleware(core, limiter),
    (req: Request, res: Response, next: NextFunction) => {
      const refused = crossSiteWriteError(req, core.chain);
      if (refused) return sendError(res, refused, core.config.elasticProductHeader);
      next();
    },
  );
  mountAuthenticateRoutes(router, core);
  mountApiKeyRoutes(router, core, limiter);
  mountTokenRoutes(router, core, limiter);
  for (const mount of extra) mount(router, core);
  mountUserRoutes(router, core);
  mountRoleRoutes(router, core);
  mountPrivilegeRoutes(router, core);
  router.use("/_security", (error: unknown, _req: Request, res: Response, _next: NextFunction) => sendError(res, error, core.config.elasticProductHeader, core.reportInternalError));
  return router;
}
