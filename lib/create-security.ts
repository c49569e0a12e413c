import { evaluateHasPrivileges, parseHasPrivilegesRequest } from "./authz/has-privileges.js";
import { resolveOptions } from "./config/resolve-options.js";
import type { SecurityOptions } from "./model/security-options.js";
import { createAuthenticateMiddleware, type AuthenticateOptions } from "./http/authenticate-middleware.js";
import { createAdminUi } from "./http/admin-ui/create-admin-ui.js";
import type { AdminUiOptions } from "./http/admin-ui/resolve-admin-ui-options.js";
import { createErrorHandler } from "./http/error-handler.js";
import { FailureLimiter } from "./http/failure-limiter.js";
import { createRequirePrivileges, type PrivilegeRequirement, type RequirePrivilegesOptions } from "./http/require-privileges.js";
import { createConsume } from "./http/consume-middleware.js";
import { createResponder } from "./http/responder.js";
import { createSecurityRouter } from "./http/router.js";
import type { Security } from "./security.js";
import { SecurityCore } from "./security-core.js";
import { createBackgroundWork } from "./http/background-work.js";
import { MongoRateLimitStore } from "./store/mongo-rate-limit-store.js";
import { authenticationError } from "./support/security-error.js";

/**
 * Creates the security layer. Options are validated here; a bad option throws a `TypeError`
 * naming it.
 */
export function createSecurity(options: SecurityOptions): Security {
  return createSecurityInternals(options).security;
}

/**
 * {@link createSecurity}, plus the core it is built on: for this package's tests, benchmarks and
 * command line, which need the stores and caches behind the public interfaces. Not exported by
 * the package entry point.
 */
export function createSecurityInternals(options: SecurityOptions): { security: Security; core: SecurityCore } {
  const config = resolveOptions(options);
  const core = new SecurityCore(config);
  // One store per limiter (express-rate-limit requires it), each with its own key prefix.
  const rateStores = {
    pairs: new MongoRateLimitStore(core.models.counters, "authc:pair:"),
    addresses: new MongoRateLimitStore(core.models.counters, "authc:address:"),
  };
  const limiter = config.failureRateLimit ? new FailureLimiter(rateStores, config.failureRateLimit, config.storeTimeoutMs) : undefined;
  const responder = createResponder({ elasticProductHeader: config.elasticProductHeader, report: core.reportInternalError });
  let pruneTimer: NodeJS.Timeout | undefined;

  const security: Security = {
    ...createBackgroundWork(core),
    users: core.users,
    roles: core.roles,
    privileges: core.privileges,
    realms: core.realmCache,
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
      return createSecurityRouter(core, limiter, responder);
    },
    errorHandler() {
      return createErrorHandler(responder);
    },
    requirePrivileges(requirement: PrivilegeRequirement, guardOptions?: RequirePrivilegesOptions) {
      return createRequirePrivileges(core, requirement, responder, limiter, guardOptions);
    },
    consume(name: string, cost?: number) {
      return createConsume(core.limits, name, cost ?? 1, responder);
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
  return { security, core };
}
