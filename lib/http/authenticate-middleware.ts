import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { SecurityCore } from "../security-core.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { readSecurityHeaders } from "./read-security-headers.js";
import { sendError } from "./send-error.js";

export interface AuthenticateOptions {
  /** Let requests without any credentials through, without `req.security`. Default `false`. */
  optional?: boolean;
}

/** Authenticates the request; on success `req.security` holds the subject(s). */
export async function authenticateRequest(core: SecurityCore, req: Request, optional: boolean): Promise<void> {
  const subjects = await core.authentication.authenticate(readSecurityHeaders(req), { uri: req.originalUrl, request: req }, optional);
  if (subjects) req.security = subjects;
}

export function createAuthenticateMiddleware(core: SecurityCore, limiter: FailureLimiter | undefined, options: AuthenticateOptions = {}): RequestHandler {
  if (typeof options !== "object" || options === null) throw new TypeError("express-keyguard: authenticate(options) takes { optional?: boolean }");
  const optional = options.optional === true;
  const productHeader = core.config.elasticProductHeader;
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.security) return next();
    const blocked = limiter?.check(req);
    if (blocked) return sendError(res, blocked, productHeader);
    authenticateRequest(core, req, optional).then(
      () => next(),
      async (error: unknown) => {
        if (limiter && typeof error === "object" && error !== null && (error as { status?: number }).status === 401) {
          const tooMany = await limiter.record(req, res);
          if (tooMany) return sendError(res, tooMany, productHeader);
        }
        sendError(res, error, productHeader);
      },
    );
  };
}
