import type { ErrorRequestHandler, RequestHandler, Router } from "express";
import type { Request } from "express";
import type { ApiKeyService } from "./authc/api-key/api-key-service.js";
import type { TokenService } from "./authc/token/token-service.js";
import type { Authentication } from "./authc/authentication.js";
import type { NativeUserService } from "./authc/realms/native-user-service.js";
import type { ApplicationPrivilegeService } from "./authz/application-privilege-service.js";
import type { PermissionCheck } from "./authz/permission.js";
import type { RoleService } from "./authz/role-service.js";
import { evaluateHasPrivileges, parseHasPrivilegesRequest } from "./authz/has-privileges.js";
import { resolveOptions } from "./config/resolve-options.js";
import type { SecurityOptions } from "./config/security-options.js";
import { createAuthenticateMiddleware, type AuthenticateOptions } from "./http/authenticate-middleware.js";
import { createAdminUi } from "./http/admin-ui/create-admin-ui.js";
import type { AdminUiOptions } from "./http/admin-ui/resolve-admin-ui-options.js";
import { createErrorHandler } from "./http/error-handler.js";
import { FailureLimiter } from "./http/failure-limiter.js";
import { createRequirePrivileges, type PrivilegeRequirement } from "./http/require-privileges.js";
import { createResponder } from "./http/responder.js";
import { createSecurityRouter, type RouteMounter } from "./http/router.js";
import { SecurityCore } from "./security-core.js";
import { createBackgroundWork, type BackgroundWork } from "./http/background-work.js";
import { MongoRateLimitStore } from "./store/mongo-rate-limit-store.js";
import { authenticationError } from "./support/security-error.js";

/** The object returned by {@link createSecurity}; background work: see {@link BackgroundWork}. */
export interface Security extends BackgroundWork {
  /** Creates indexes, the bootstrap user, and starts the change-journal poller. */
  start(): Promise<void>;
  /** Stops background work and worker threads. Does not close the mongoose connection. */
  close(): Promise<void>;
  /** Middleware authenticating every request (primary, run-as, secondary) into `req.security`. */
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
  /** Guard for host routes: 403 unless the subject holds every listed privilege. */
  requirePrivileges(requirement: PrivilegeRequirement): RequestHandler;
  /**
   * The API-key management page (default at `/_security/ui`): a static page that signs the user
   * in and calls the router's endpoints with their credentials. Mount it before `authenticate()`.
   * @throws TypeError for invalid options, or when `apiKeys.enabled` is false.
   */
  adminUi(options?: AdminUiOptions): RequestHandler;
  /** `_has_privileges` for code: the Elasticsearch response body. */
  hasPrivileges(auth: Authentication, request: PrivilegeRequirement): Promise<ReturnType<typeof evaluateHasPrivileges>>;
  /** The effective permission of a subject, for custom checks. */
  permissionFor(auth: Authentication): Promise<PermissionCheck>;
  /** The authenticated subject of a request (throws 401 if the request was not authenticated). */
  authenticationOf(req: Request): Authentication;
  readonly users: NativeUserService;
  readonly roles: RoleService;
  readonly privileges: ApplicationPrivilegeService;
  /**
   * The API-key API for code: `create`, `grant`, `get`, `query`, `update`, `bulkUpdate`,
   * `invalidate`, `clearCache`, each taking the caller's `Authentication` (as the router does).
   */
  readonly apiKeys: ApiKeyService;
  /**
   * The token API for code: `create(auth, body)` (grant types `password`, `client_credentials`,
   * `refresh_token`) and `invalidate(auth, body)`, each taking the caller's `Authentication`.
   */
  readonly tokens: TokenService;
  /** Internals for the API-key and token services of this package. */
  readonly core: SecurityCore;
}

/** Services that plug routes into the router (API keys, tokens) register here. */
export const routeMounters: RouteMounter[] = [];

/**
 * Creates the security layer. Options are validated here; a bad option throws a `TypeError`
 * naming it.
 */
export function createSecurity(options: SecurityOptions): Security {
  const config = resolveOptions(options);
  const core = new SecurityCore(config);
  // One store per limiter (express-rate-limit requires it), each with its own key prefix.
  const rateStores = { pairs: new MongoRateLimitStore(core.models.counters, "authc:pair:"), addresses: new MongoRateLimitStore(core.models.counters, "authc:address:") };
  const limiter = config.failureRateLimit ? new FailureLimiter(rateStores, config.failureRateLimit, config.storeTimeoutMs) : undefined;
  const responder = createResponder({ elasticProductHeader: config.elasticProductHeader, report: core.reportInternalError });
  let pruneTimer: NodeJS.Timeout | undefined;

  return {
    core,
    ...createBackgroundWork(core),
    users: core.users,
    roles: core.roles,
    privileges: core.privileges,
    apiKeys: core.apiKeys,
    tokens: core.tokens,
    async start() {
      await core.start();
      pruneTimer = setInterval(() => {
        // Either store's prune deletes every finished window of both (they share one collection).
        void rateStores.pairs.prune().catch(() => undefined);
        void core.journal.prune().catch(() => undefined);
      }, 60_000).unref();
    },
    async close() {
      if (pruneTimer) clearInterval(pruneTimer);
      await core.close();
    },
    authenticate(authOptions?: AuthenticateOptions) {
      return createAuthenticateMiddleware(core, limiter, responder, authOptions);
    },
    router() {
      return createSecurityRouter(core, limiter, responder, routeMounters);
    },
    errorHandler() {
      return createErrorHandler(responder);
    },
    requirePrivileges(requirement: PrivilegeRequirement) {
      return createRequirePrivileges(core, requirement, responder, limiter);
    },
    adminUi(uiOptions?: AdminUiOptions) {
      return createAdminUi(uiOptions, { apiKeysEnabled: core.config.apiKeys.enabled });
    },
    async hasPrivileges(auth, request) {
      const parsed = parseHasPrivilegesRequest(request);
      return evaluateHasPrivileges(auth.user.username, await core.authorizer.permissionFor(auth), parsed);
    },
    permissionFor(auth) {
      return core.authorizer.permissionFor(auth);
    },
    authenticationOf(req) {
      const auth = req.security?.authentication;
      if (!auth) throw authenticationError(`missing authentication credentials for REST request [${req.originalUrl}]`);
      return auth;
    },
  };
}
