import type { NextFunction, Request, RequestHandler, Response } from "express";
import { storeTimeoutError } from "../support/security-error.js";
import type { Responder } from "./responder.js";

/**
 * Answers 503 (`status_exception`) when a `/_security` request has not been answered within
 * `ms` (the `storeTimeout` option), e.g. because MongoDB stalls: a client never waits longer, and
 * the router drops whatever the handler produces afterwards. `ms <= 0` disables it.
 */
export function createResponseDeadline(ms: number, responder: Responder): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (ms <= 0) return next();
    const timer = setTimeout(() => responder.sendError(req, res, storeTimeoutError(ms)), ms);
    const clear = () => clearTimeout(timer);
    res.once("finish", clear);
    res.once("close", clear);
    next();
  };
}
