/**
 * The public face of the library: what `createSecurity` returns. The management interfaces it
 * hands out live in lib/api/, one file each. Types only. The objects behind them are the services of this package, but users
 * depend on these interfaces alone, so the services can be reorganised without breaking them.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Router } from "express";
import type { Authentication } from "./model/authentication.js";
import type { HasPrivilegesResponse } from "./authz/has-privileges.js";
import type { PermissionCheck } from "./authz/permission-check.js";
import type { AdminUiOptions } from "./http/admin-ui/resolve-admin-ui-options.js";
import type { AuthenticateOptions } from "./http/authenticate-middleware.js";
import type { BackgroundWork } from "./http/background-work.js";
import type { PrivilegeRequirement, RequirePrivilegesOptions } from "./http/require-privileges.js";
import type { ApiKeys } from "./api/api-keys.js";
import type { ApplicationPrivileges } from "./api/application-privileges.js";
import type { Realms } from "./api/realms.js";
import type { Roles } from "./api/roles.js";
import type { Tokens } from "./api/tokens.js";
import type { Users } from "./api/users.js";

/** The object returned by `createSecurity`; background work: see {@link BackgroundWork}. */
export interface Security extends BackgroundWork {
  /** Creates indexes, the bootstrap user, and starts the change-journal poller. */
  start(): Promise<void>;
  /** Stops background work and worker threads. Does not close the mongoose connection. */
  close(): Promise<void>;
  /**
   * Middleware authenticating every request (primary, run-as, secondary) into `req.security`.
   * @param options - `optional: true` lets requests without credentials through unauthenticated
   */
  authenticate(options?: AuthenticateOptions): RequestHandler;
  /** The `/_security/*` REST API. */
  router(): Router;
  /**
   * The error middleware to mount last, after the app's routes. It answers in Elasticsearch's
   * error shape (`{error:{root_cause,type,reason},status}`, never a stack trace):
   * - every `SecurityError`, wherever it was thrown;
   * - the app's own body-parser errors (malformed 400, too large 413, charset or encoding 415),
   *   and Express's 400 for a badly percent-encoded path parameter, on `/_security` paths and on
   *   routes behind `authenticate()` or `requirePrivileges()`;
   * - any other error on a `/_security` path, as the opaque 500 reported to `onInternalError`.
   *
   * Other errors of the app's routes go on to the app's next error handler. Mount order:
   * body parsers, `authenticate()`, `router()`, the app's routes, `errorHandler()`.
   */
  errorHandler(): ErrorRequestHandler;
  /**
   * Guard for host routes: 403 unless the subject holds every listed privilege.
   * @param requirement - the privileges, in `_has_privileges` request form
   * @param options - `consume: { name, cost }` charges the route to a key with limits once the
   *   privileges are granted, as {@link Security.consume}
   * @throws TypeError at construction when `requirement` is not a valid privilege request, or
   *   `consume` not a valid route cost
   */
  requirePrivileges(requirement: PrivilegeRequirement, options?: RequirePrivilegesOptions): RequestHandler;
  /**
   * Middleware charging a route to requests made with an API key that has limits: `cost` against
   * the key's rate limit `name` (when it has one) and `cost` credits (when it has credits), on
   * top of the 1 every request of the key costs. Over the limit or out of credits: 429
   * `status_exception` with `Retry-After`. Requests with any other credential, or none, pass.
   * Mount it after `authenticate()`.
   * @param name - the rate limit, `[a-z0-9_-]{1,64}`
   * @param cost - a non-negative integer, default 1
   * @throws TypeError at construction for an invalid name or cost
   */
  consume(name: string, cost?: number): RequestHandler;
  /**
   * The API-key management page (default at `/_security/ui`): a static page that signs the user
   * in and calls the router's endpoints with their credentials. Mount it before `authenticate()`.
   * @param options - where to serve it and how
   * @throws TypeError for invalid options, or when `apiKeys.enabled` is false.
   */
  adminUi(options?: AdminUiOptions): RequestHandler;
  /**
   * `_has_privileges` for code.
   * @param auth - the subject to check
   * @param request - the privileges to check, in `_has_privileges` request form
   * @returns the Elasticsearch response body
   * @throws SecurityError 400 for an invalid request (`parse_exception`,
   *   `action_request_validation_exception`, `illegal_argument_exception`)
   */
  hasPrivileges(auth: Authentication, request: PrivilegeRequirement): Promise<HasPrivilegesResponse>;
  /**
   * The effective permission of a subject, for custom checks.
   * @param auth - the subject
   */
  permissionFor(auth: Authentication): Promise<PermissionCheck>;
  /**
   * The authenticated subject of a request.
   * @param req - a request that went through `authenticate()` or `requirePrivileges()`
   * @throws SecurityError 401 if the request was not authenticated
   */
  authenticationOf(req: Request): Authentication;
  /** Native users, as the `/_security/user` endpoints. */
  readonly users: Users;
  /** Native roles, as the `/_security/role` endpoints. */
  readonly roles: Roles;
  /** Application privileges, as the `/_security/privilege` endpoints. */
  readonly privileges: ApplicationPrivileges;
  /** Realm caches, as the `/_security/realm` endpoints. */
  readonly realms: Realms;
  /** API keys, as the `/_security/api_key` endpoints, plus import and re-validation by id. */
  readonly apiKeys: ApiKeys;
  /** Access and refresh tokens, as the `/_security/oauth2/token` endpoints. */
  readonly tokens: Tokens;
}
