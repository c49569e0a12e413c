import type { Request, Response } from "express";
import type { InternalErrorReport } from "../model/internal-error-report.js";
import { toSecurityError } from "./to-security-error.js";

/** How the security layer answers, the same way from every route, middleware and error handler. */
export interface Responder {
  /** A JSON answer (dropped when the response was answered already, e.g. by the router's deadline). */
  send(res: Response, status: number, body: unknown): void;
  /**
   * Elasticsearch's error body and the error's headers (WWW-Authenticate, Retry-After). An error
   * answered with the opaque 500 is reported first, even when the response went out already, so
   * it is never silently lost.
   */
  sendError(req: Request, res: Response, error: unknown): void;
}

export interface ResponderSettings {
  /** The `elasticProductHeader` option: official Elasticsearch clients refuse answers without it. */
  elasticProductHeader: boolean;
  /** The `onInternalError` option; without it, a 500 is answered and told to no one. */
  report?: InternalErrorReport | undefined;
}

const PRODUCT_HEADER = "x-elastic-product";
const PRODUCT = "Elasticsearch";

/** Built once from the resolved options and handed to every part of the HTTP skin. */
export function createResponder(settings: ResponderSettings): Responder {
  const { elasticProductHeader, report } = settings;
  return {
    send(res, status, body) {
      if (res.headersSent) return;
      if (elasticProductHeader) res.setHeader(PRODUCT_HEADER, PRODUCT);
      res.status(status).json(body);
    },
    sendError(req, res, error) {
      const e = toSecurityError(error);
      if (e.status === 500 && report) report(error, { method: req.method, path: req.originalUrl.split("?", 1)[0] ?? "" });
      if (res.headersSent) return;
      for (const [name, value] of Object.entries(e.headers)) res.setHeader(name, value);
      if (elasticProductHeader) res.setHeader(PRODUCT_HEADER, PRODUCT);
      res.status(e.status).json(e.toJSON());
    },
  };
}
