import type { Response } from "express";
import type { SecurityError } from "../support/security-error.js";
import type { InternalErrorReport } from "../model/internal-error-report.js";
import { toSecurityError } from "./to-security-error.js";

/**
 * Writes Elasticsearch's error body and the error's headers (WWW-Authenticate, Retry-After). An
 * error answered with the opaque 500 goes to `report` first (the `onInternalError` option), so
 * it is never silently lost.
 */
export function sendError(res: Response, error: unknown, elasticProductHeader = true, report?: InternalErrorReport): void {
  const e: SecurityError = toSecurityError(error);
  if (e.status === 500 && report) report(error, { method: res.req.method, path: res.req.originalUrl.split("?", 1)[0] ?? "" });
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
  if (elasticProductHeader) res.setHeader("x-elastic-product", "Elasticsearch");
  res.status(e.status).json(e.toJSON());
}
