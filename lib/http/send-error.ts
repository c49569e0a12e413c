import type { Response } from "express";
import type { SecurityError } from "../support/security-error.js";
import { toSecurityError } from "./to-security-error.js";

/** Writes Elasticsearch's error body and the error's headers (WWW-Authenticate, Retry-After). */
export function sendError(res: Response, error: unknown, elasticProductHeader = true): void {
  const e: SecurityError = toSecurityError(error);
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
  if (elasticProductHeader) res.setHeader("x-elastic-product", "Elasticsearch");
  res.status(e.status).json(e.toJSON());
}
