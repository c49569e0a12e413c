import type { NextFunction, Request, RequestHandler, Response } from "express";
import { storeTimeoutError } from "../support/security-error.js";
import { sendError } from "./send-error.js";

/**
 * Answers 503 (`status_exception`) when a `/_security` request has not been answered within
 * `ms` (the `storeTimeout` option), e.g. because MongoDB stalls: a client never waits longer, and
 * the router drops whatever the handler produces afterwards. `ms <= 0` disables it.
 */
export function createResponseDeadline(ms: number, elasticProductHeader: boolean): RequestHandler {
  return (_req: Request, res: Response, next: NextFunction) => {
    if (ms <= 0) return next();
    const timer = setTimeout(() => sendError(res, storeTimeoutError(ms), elasticProductHeader), ms);
    const clear = () => clearTimeout(timer);
    res.once("finish", clear);
    res.once("close", clear);
    next();
  };
}
