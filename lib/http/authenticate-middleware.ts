import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { AuditCredential, AuditRequestInfo, AuthenticationFailureEvent } from "../model/audit-event.js";
import { auditActor } from "../audit/audit-actor.js";
import type { AuditTrail } from "../audit/audit-trail.js";
import type { AuthenticatedSubjects, AuthenticationService } from "../authc/authentication-service.js";
import type { Credentials } from "../authc/parse-authorization.js";
import { isSecurityError, storeTimeoutError } from "../support/security-error.js";
import { withDeadline } from "../support/with-deadline.js";
import { chargeRequest, chargeRequestOrThrow, type RequestCharger } from "./charge-request.js";
import { headerClaim, principalOf } from "./claimed-principals.js";
import type { FailureLimiter } from "./failure-limiter.js";
import { markGuard } from "./guard-registry.js";
import { readSecurityHeaders, type RequestSecurityHeaders } from "./read-security-headers.js";
import type { Responder } from "./responder.js";
import { toSecurityError } from "./to-security-error.js";

export interface AuthenticateOptions {
  /** Let requests without any credentials through, without `req.security`. Default `false`. */
  optional?: boolean;
}

/** What authenticating a request needs of the security layer (a `SecurityCore` has all of it). */
export interface RequestAuthenticationDeps {
  readonly authentication: Pick<AuthenticationService, "authenticate" | "authenticateFromCache">;
  readonly audit: Pick<AuditTrail, "emit">;
  /** The resolved `storeTimeout`, in milliseconds. */
  readonly config: { readonly storeTimeoutMs: number };
  /** Charges requests made with keys that have limits; none: nothing is charged. */
  readonly limits?: RequestCharger;
}

/**
 * Authenticates the request; on success `req.security` holds the subject(s). Audited
 * (`authentication_success` / `authentication_failure`), and bounded by `storeTimeout` (or
 * `timeoutMs`): a store that does not answer makes it fail closed with a 503, never hang.
 */
async function authenticateRequest(
  deps: RequestAuthenticationDeps,
  req: Request,
  headers: RequestSecurityHeaders,
  optional: boolean,
  timeoutMs = deps.config.storeTimeoutMs,
): Promise<void> {
  let subjects: AuthenticatedSubjects | undefined;
  try {
    const work = deps.authentication.authenticate(headers, { uri: req.originalUrl, request: req }, optional);
    subjects = await withDeadline(work, timeoutMs, () => storeTimeoutError(deps.config.storeTimeoutMs));
  } catch (error) {
    // A refused run-as is an authorization failure, audited as `access_denied` where it is decided.
    if (!(isSecurityError(error) && error.status === 403)) deps.audit.emit(() => failureEvent(req, headers, error));
    throw error;
  }
  if (!subjects) return;
  succeed(deps, req, subjects);
}

/** Puts the subjects on the request and audits the success. */
function succeed(deps: RequestAuthenticationDeps, req: Request, found: AuthenticatedSubjects): void {
  req.security = found;
  deps.audit.emit(() => ({
    type: "authentication_success",
    timestamp: new Date().toISOString(),
    ...auditActor(found.authentication),
    ...(found.authentication.apiKey ? { api_key_name: found.authentication.apiKey.name } : {}),
    ...(found.secondary
      ? { secondary_username: found.secondary.user.username, secondary_realm: found.secondary.authenticationRealm.name }
      : {}),
    ...requestInfo(req),
  }));
}

function requestInfo(req: Request): AuditRequestInfo {
  const info: AuditRequestInfo = { request_method: req.method, request_uri: req.originalUrl.split("?", 1)[0] ?? "" };
  const ip = req.ip ?? req.socket.remoteAddress;
  if (ip !== undefined) info.client_ip = ip;
  return info;
}

/** What the refused request presented, from its header, never the secret part. */
function failureEvent(req: Request, headers: RequestSecurityHeaders, error: unknown): AuthenticationFailureEvent {
  const e = toSecurityError(error);
  const credentials = headers.authorization.credentials;
  const event: AuthenticationFailureEvent = {
    type: "authentication_failure",
    timestamp: new Date().toISOString(),
    status: e.status,
    reason: e.reason,
    credential: CREDENTIAL[credentials?.scheme ?? "none"],
    ...requestInfo(req),
  };
  if (credentials?.scheme === "basic") event.username = credentials.username;
  if (credentials?.scheme === "apikey") event.api_key_id = credentials.id;
  return event;
}

const CREDENTIAL: Record<Credentials["scheme"] | "none", AuditCredential> = {
  basic: "basic",
  apikey: "api_key",
  bearer: "bearer",
  malformed: "malformed",
  unknown: "unknown_scheme",
  none: "none",
};

export function createAuthenticateMiddleware(
  deps: RequestAuthenticationDeps,
  limiter: FailureLimiter | undefined,
  responder: Responder,
  options: AuthenticateOptions = {},
): RequestHandler {
  if (typeof options !== "object" || options === null)
    throw new TypeError("express-keyguard: authenticate(options) takes { optional?: boolean }");
  const optional = options.optional === true;
  const middleware = (req: Request, res: Response, next: NextFunction) => {
    if (req.security) return next();
    // Hot path: a credential the caches already verified is answered synchronously (no promise,
    // no store deadline timer); anything else takes the full path below, with the same outcome.
    const headers = readSecurityHeaders(req);
    const cached = deps.authentication.authenticateFromCache(headers);
    if (cached) {
      // Only its own blocked pair refuses a verified credential; while no pair is blocked this costs one read.
      if (limiter?.anyPairBlocked) {
        const refused = limiter.refusalOfVerified(req, () => principalOf(headers.authorization.credentials));
        if (refused) return responder.sendError(req, res, refused);
      }
      succeed(deps, req, cached);
      const limits = cached.authentication.apiKey?.limits;
      if (limits === undefined || deps.limits === undefined) return next();
      return chargeRequest(deps.limits, cached.authentication, limits, req, res, responder, next);
    }
    authenticateUncached(deps, limiter, req, headers, optional).then(
      () => {
        // The router's deadline may have answered 503 meanwhile: then nothing more may run.
        if (res.headersSent) return;
        const auth = req.security?.authentication;
        const limits = auth?.apiKey?.limits;
        if (auth === undefined || limits === undefined || deps.limits === undefined) return next();
        chargeRequest(deps.limits, auth, limits, req, res, responder, next);
      },
      (error: unknown) => responder.sendError(req, res, error),
    );
  };
  // Anonymous requests pass an optional one: the routes behind it are not protected by it.
  return optional ? middleware : markGuard(middleware, "guard");
}

/**
 * {@link authenticateRequest} under the failed-authentication limits. A credential the caches
 * already verified is answered first, whatever the address's failures (only its own pair being
 * blocked refuses it). Otherwise a request whose (address, claimed principal) pair or address is
 * over its limit gets its 429 before any credential is checked; a request presenting credentials
 * (`Authorization`, `es-secondary-authorization`) takes check slots; every 401 is counted for the
 * credential that failed. The whole of it, waiting for slots included, stays within `storeTimeout`.
 */
export async function authenticateLimited(
  deps: RequestAuthenticationDeps,
  limiter: FailureLimiter | undefined,
  req: Request,
  optional: boolean,
): Promise<void> {
  const headers = readSecurityHeaders(req);
  const cached = deps.authentication.authenticateFromCache(headers);
  if (cached) {
    const refused = limiter?.refusalOfVerified(req, () => principalOf(headers.authorization.credentials));
    if (refused) throw refused;
    succeed(deps, req, cached);
  } else {
    await authenticateUncached(deps, limiter, req, headers, optional);
  }
  const auth = req.security?.authentication;
  if (auth !== undefined && deps.limits !== undefined) await chargeRequestOrThrow(deps.limits, auth);
}

/** {@link authenticateLimited} once the caches had no answer. */
function authenticateUncached(
  deps: RequestAuthenticationDeps,
  limiter: FailureLimiter | undefined,
  req: Request,
  headers: RequestSecurityHeaders,
  optional: boolean,
): Promise<void> {
  if (!limiter) return authenticateRequest(deps, req, headers, optional);
  const timeoutMs = deps.config.storeTimeoutMs;
  return limiter.guard(req, headerClaim(headers), (waitedMs) =>
    authenticateRequest(deps, req, headers, optional, timeoutMs > 0 ? Math.max(1, timeoutMs - waitedMs) : 0),
  );
}
