import type { AuditTrail } from "../audit/audit-trail.js";
import type { AuthenticationService } from "../authc/authentication-service.js";
import type { AuthenticatorChain } from "../authc/authenticator-chain.js";
import type { Authorizer } from "../authz/authorizer.js";
import type { InternalErrorReport } from "../model/internal-error-report.js";
import type { ResolvedConfig } from "../model/security-options.js";
import type { ApiKeyService } from "../services/api-keys/api-key-service.js";
import type { ApiKeyLimitEnforcer } from "../services/api-keys/limits/api-key-limit-enforcer.js";
import type { ApplicationPrivilegeService } from "../services/privileges/application-privilege-service.js";
import type { RoleService } from "../services/roles/role-service.js";
import type { RealmCacheService } from "../services/realms/realm-cache-service.js";
import type { TokenService } from "../services/tokens/token-service.js";
import type { NativeUserService } from "../services/users/native-user-service.js";

/**
 * What the HTTP skin calls: the services and settings below it. The wiring's `SecurityCore`
 * provides them; naming them here keeps the skin's imports pointing down the layers, never up
 * to the wiring that constructs it.
 */
export interface HttpServices {
  readonly config: ResolvedConfig;
  readonly audit: AuditTrail;
  readonly reportInternalError: InternalErrorReport;
  readonly chain: AuthenticatorChain;
  readonly authentication: AuthenticationService;
  readonly authorizer: Authorizer;
  readonly apiKeys: ApiKeyService;
  readonly limits: ApiKeyLimitEnforcer;
  readonly tokens: TokenService;
  readonly users: NativeUserService;
  readonly roles: RoleService;
  readonly privileges: ApplicationPrivilegeService;
  readonly realmCache: RealmCacheService;
}
