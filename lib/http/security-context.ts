import type { Authentication } from "../model/authentication.js";

/** What `authenticate()` puts on `req.security`. */
export interface SecurityContext {
  /** The primary subject (after run-as). */
  authentication: Authentication;
  /** The subject of `es-secondary-authorization`, when the header was sent. */
  secondary?: Authentication;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by express-keyguard's `authenticate()` middleware. */
      security?: SecurityContext;
    }
  }
}
