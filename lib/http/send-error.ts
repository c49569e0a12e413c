import type { Response } from "express";
import type { InternalErrorReport } from "../model/internal-error-report.js";
import { createResponder } from "./responder.js";

/**
 * Writes Elasticsearch's error body and the error's headers (WWW-Authenticate, Retry-After), for
 * an app's own handlers; the security layer itself answers through its responder. An
 * error answered with the opaque 500 goes to `report` first (the `onInternalError` option), so
 * it is never silently lost.
 */
export function sendError(res: Response, error: unknown, elasticProductHeader = true, report?: InternalErrorReport): void {
  createResponder({ elasticProductHeader, report }).sendError(res.req, res, error);
}
