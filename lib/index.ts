import "./http/security-context.js";

export { createSecurity } from "./create-security.js";
export type { Security } from "./security.js";
export type { ApiKeys, QueryApiKeyResponse } from "./api/api-keys.js";
export type { ApplicationPrivileges } from "./api/application-privileges.js";
export type { Realms } from "./api/realms.js";
export type { Roles } from "./api/roles.js";
export type { Tokens } from "./api/tokens.js";
export type { Users } from "./api/users.js";
export type {
  QueryUsersParams,
  QueryUsersResponse,
  QueriedUser,
  QueryRolesResponse,
  QueriedRole,
  QuerySortValue,
  UserQueries,
  RoleQueries,
} from "./api/user-role-queries.js";
export type { BulkPutRolesResponse, BulkDeleteRolesResponse, BulkRolesErrors } from "./services/roles/bulk-roles.js";
export type { ClearCacheResponse } from "./services/clear-cache-response.js";
export type { BuiltinPrivilegesResponse } from "./services/privileges/builtin-privileges.js";
export type { SecurityOptions } from "./model/security-options.js";
export type { ApiKeyOptions } from "./model/api-key-options.js";
export type { TokenOptions, SigningKeyOption } from "./model/token-options.js";
export type {
  CreateApiKeyResponse,
  GetApiKeyResponse,
  InvalidateApiKeyResponse,
  BulkUpdateApiKeyResponse,
  ClearApiKeyCacheResponse,
  SetApiKeyLimitsResponse,
  ApiKeyCreditsResponse,
  SetApiKeyEnabledResponse,
} from "./services/api-keys/api-key-responses.js";
export type { ApiKeyLimitsInfo, ApiKeyRateLimitInfo, ApiKeyCreditsInfo } from "./authc/api-key/render-api-key-limits.js";
export type { QueryApiKeyParams } from "./services/api-keys/get-api-keys.js";
export type { ApiKeyInfo } from "./authc/api-key/api-key-document.js";
export type { GetApiKeyParams } from "./services/api-keys/api-key-requests.js";
export type { CreateTokenResponse, InvalidateTokenResponse } from "./services/tokens/token-responses.js";
export type { RotateSigningKeyOptions, SigningKeyRotation } from "./model/signing-key-rotation.js";
export type { ApplicationPrivilegeView } from "./services/privileges/application-privilege-service.js";
export type { HasPrivilegesResponse } from "./authz/has-privileges.js";
export { TokenRequestError, type TokenRequestErrorCode } from "./authc/token/token-errors.js";
export type { SecurityContext } from "./http/security-context.js";
export type { InternalErrorReport, InternalErrorRequest } from "./model/internal-error-report.js";
export type { AuthenticateOptions } from "./http/authenticate-middleware.js";
export type { AdminUiOptions } from "./http/admin-ui/resolve-admin-ui-options.js";
export type { PrivilegeRequirement, RequirePrivilegesOptions } from "./http/require-privileges.js";
export type { RouteCost } from "./http/consume-middleware.js";
export {
  Authentication,
  API_KEY_REALM,
  type AuthenticateResponse,
  type AuthenticationType,
  type RealmRef,
  type User,
  type ApiKeyRef,
} from "./model/authentication.js";
export type { ApiKeyLimits, ApiKeyRateLimit, ApiKeyCredits, ApiKeyCreditRefill } from "./model/api-key-limits.js";
export type { Realm, RealmInput, RealmResult } from "./model/realm.js";
export type { RoleDescriptor, RoleDescriptorMap, IndicesPrivileges, ApplicationPrivilegesEntry } from "./model/role-descriptor.js";
export type { PermissionCheck } from "./authz/permission-check.js";
export { SecurityError, isSecurityError, type ElasticsearchErrorBody, type ElasticsearchErrorCause } from "./support/security-error.js";
export { sendError as renderSecurityError } from "./http/send-error.js";
export type {
  AuditEvent,
  AuditSink,
  AuditActor,
  AuditCredential,
  AuditRequestInfo,
  AuthenticationSuccessEvent,
  AuthenticationFailureEvent,
  ApiKeyAuditEvent,
  AccessDeniedEvent,
  ApiKeyHashUpgradeEvent,
  ApiKeyUsageExceededEvent,
} from "./model/audit-event.js";
export type { BackgroundWork } from "./http/background-work.js";
export type {
  ImportApiKeysOptions,
  ImportApiKeysResult,
  ImportProgress,
  ImportProblem,
  ImportedKey,
} from "./services/api-keys/import-api-keys-options.js";
export type {
  AuthenticationRecord,
  RealmAuthenticationRecord,
  ApiKeyAuthenticationRecord,
} from "./authc/background/authentication-record.js";
export type { GrantApiKeyForRequest } from "./services/api-keys/grant-api-key-for.js";
export { IdentityRevokedError, type RevocationCause } from "./authc/background/identity-revoked-error.js";
export { InvalidAuthenticationRecordError } from "./authc/background/invalid-authentication-record-error.js";
