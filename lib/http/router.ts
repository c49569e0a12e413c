import express, { type NextFunction, type Request, type Response, type Router } from "express";
import type { HttpServices } from "./http-services.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { createBodyParser } from "./body-parser.js";
import { createAuthenticateMiddleware } from "./authenticate-middleware.js";
import { createResponseDeadline } from "./response-deadline.js";
import { crossSiteWriteError } from "./cross-site-write-check.js";
import { illegalArgument } from "../support/security-error.js";
import { markGuard } from "./guard-registry.js";
import type { Responder } from "./responder.js";
import { createRoute } from "./route.js";
import { allowedMethodsOf } from "./allowed-methods.js";
import { mountApiKeyRoutes } from "./routes/api-key-routes.js";
import { mountAuthenticateRoutes } from "./routes/authenticate-routes.js";
import { mountPrivilegeRoutes } from "./routes/privilege-routes.js";
import { mountRealmRoutes } from "./routes/realm-routes.js";
import { mountRoleRoutes } from "./routes/role-routes.js";
import { mountTokenRoutes } from "./routes/token-routes.js";
import { mountUserRoutes } from "./routes/user-routes.js";

/**
 * The `/_security/*` REST surface. Every route requires authentication; when the app did not
 * install `authenticate()` in front, the router authenticates by itself. A state-changing call
 * whose credential a browser may have attached by itself must show it is no cross-site form post.
 *
 * The routes live in an inner router mounted under one `/_security` layer: a host request
 * outside the API costs one prefix check, not a walk over every route of the API.
 */
export function createSecurityRouter(core: HttpServices, limiter: FailureLimiter | undefined, responder: Responder): Router {
  const api = express.Router();
  const route = createRoute(responder);
  api.use(
    createBodyParser(core.config.bodyLimit),
    createResponseDeadline(core.config.storeTimeoutMs, responder),
    createAuthenticateMiddleware(core, limiter, responder),
    (req: Request, res: Response, next: NextFunction) => {
      const refused = crossSiteWriteError(req, core.chain);
      if (refused) return responder.sendError(req, res, refused);
      next();
    },
  );
  mountAuthenticateRoutes(api, core, route);
  mountApiKeyRoutes(api, core, route, limiter);
  mountTokenRoutes(api, core, route, limiter);
  mountUserRoutes(api, core, route);
  mountRoleRoutes(api, core, route);
  mountPrivilegeRoutes(api, core, route);
  mountRealmRoutes(api, core, route);
  // Elasticsearch's answer for a path or method it has no handler for, rather than the host's
  // 404 page: the API's namespace is the router's.
  // A known path asked with a method it does not take is a 405 naming the methods it takes.
  const allowedMethods = allowedMethodsOf(api);
  api.use((req: Request, res: Response, next: NextFunction) => {
    const uri = req.originalUrl.split("?", 1)[0] ?? "";
    const allowed = allowedMethods(req.path);
    if (allowed.length > 0 && req.method === "OPTIONS") {
      res.setHeader("Allow", allowed.join(","));
      res.status(200).end();
      return;
    }
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      res.setHeader("Allow", allowed.join(","));
      responder.send(res, 405, {
        error: `Incorrect HTTP method for uri [${uri}] and method [${req.method}], allowed: [${allowed.join(", ")}]`,
        status: 405,
      });
      return;
    }
    next(illegalArgument(`no handler found for uri [${uri}] and method [${req.method}]`));
  });
  api.use((error: unknown, req: Request, res: Response, _next: NextFunction) => responder.sendError(req, res, error));
  const router = express.Router();
  router.use("/_security", markGuard(api, "security"));
  return router;
}
