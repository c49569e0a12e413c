import type { ErrorRequestHandler, NextFunction, Request, Response } from "express";
import { SecurityError } from "../support/security-error.js";
import { isUnreadableRequestError } from "./unreadable-request-error.js";
import { findGuard } from "./find-guard.js";
import type { Responder } from "./responder.js";

/** `/_security` or below, compared as Express routes compare by default (case-insensitively). */
function isSecurityPath(req: Request): boolean {
  const path = (req.originalUrl.split("?", 1)[0] ?? "").toLowerCase();
  return path === "/_security" || path.startsWith("/_security/");
}

/**
 * The host's last error middleware: renders Elasticsearch's error body for every error that
 * belongs to the security layer, and passes the others on to the host's own handlers:
 * - a `SecurityError`, wherever it was thrown;
 * - on a `/_security` path (or wherever the security router is mounted): any error, an unexpected
 *   one as the opaque 500 told to `onInternalError`;
 * - a body-parser error (malformed 400, too large 413, charset/encoding 415) of the host's own
 *   parsers, or Express's 400 for a badly percent-encoded path parameter, on a route behind
 *   `authenticate()` or `requirePrivileges()`.
 * Never a stack trace. Four parameters, as Express 4 and 5 recognise an error middleware.
 */
export function createErrorHandler(responder: Responder): ErrorRequestHandler {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    // Too late for a body of ours: Express's final handler closes the connection.
    if (res.headersSent) return next(error);
    if (error instanceof SecurityError) return responder.sendError(req, res, error);
    // The routing table is read only when the path alone does not decide (errors are rare).
    const owner = isSecurityPath(req) ? "security" : findGuard(req);
    if (owner === "security" || (owner === "guard" && isUnreadableRequestError(error))) return responder.sendError(req, res, error);
    next(error);
  };
}
