import "./http/security-context.js";

export { createSecurity, type Security } from "./create-security.js";
export type { SecurityOptions } from "./config/security-options.js";
export type { SecurityContext } from "./http/security-context.js";
export type { AuthenticateOptions } from "./http/authenticate-middleware.js";
export type { PrivilegeRequirement } from "./http/require-privileges.js";
export { Authentication, API_KEY_REALM, type AuthenticateResponse, type AuthenticationType, type RealmRef, type User, type ApiKeyRef } from "./authc/authentication.js";
export type { Realm, RealmInput, RealmResult } from "./authc/realms/realm.js";
export type { RoleDescriptor, RoleDescriptorMap, IndicesPrivileges, ApplicationPrivilegesEntry } from "./authz/role-descriptor.js";
export type { PermissionCheck } from "./authz/permission.js";
export {
  SecurityError,
  isSecurityError,
  type ElasticsearchErrorBody,
  type ElasticsearchErrorCause,
} from "./support/security-error.js";
export { sendError as renderSecurityError } from "./http/send-error.js";
