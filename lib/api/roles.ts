/** The native roles interface of `Security`. Types only. */
import type { Authentication } from "../model/authentication.js";
import type { BulkDeleteRolesResponse, BulkPutRolesResponse } from "../services/roles/bulk-roles.js";
import type { ClearCacheResponse } from "../services/clear-cache-response.js";
import type { RoleDescriptor } from "../model/role-descriptor.js";
import type { RoleQueries } from "./user-role-queries.js";

/** The native roles API for code (`/_security/role`). Built-in and static roles are read-only. */
export interface Roles extends RoleQueries {
  /**
   * Creates or replaces a native role (`PUT|POST /_security/role/{name}`).
   * @param caller - needs `manage_security`
   * @param name - 1 to 507 printable ASCII characters, no leading or trailing space
   * @param body - a role descriptor: `{ cluster?, indices?, applications?, run_as?, metadata?, … }`
   * @returns `{ role: { created } }`
   * @throws SecurityError 400 for an invalid name or descriptor, or a reserved (built-in or
   *   static) role; 403 without `manage_security`
   */
  put(caller: Authentication, name: string, body: unknown): Promise<{ role: { created: boolean } }>;
  /**
   * Reads roles: built-in, static and native (`GET /_security/role[/{names}]`).
   * @param caller - needs `read_security` or `manage_security`
   * @param names - the roles to read; none reads all
   * @returns the descriptors by name, or `undefined` when names were given and none exists (the
   *   router's 404 `{}`)
   * @throws SecurityError 403 without the privilege
   */
  get(caller: Authentication, names?: string[]): Promise<Record<string, RoleDescriptor> | undefined>;
  /**
   * Deletes a native role (`DELETE /_security/role/{name}`).
   * @param caller - needs `manage_security`
   * @param name - the role to delete
   * @returns `{ found }`
   * @throws SecurityError 400 for a reserved role; 403 without `manage_security`
   */
  delete(caller: Authentication, name: string): Promise<{ found: boolean }>;
  /**
   * Creates or replaces several native roles (`POST /_security/role`); each role succeeds or fails
   * on its own.
   * @param caller - needs `manage_security`
   * @param body - `{ roles: { [name]: descriptor } }`
   * @returns the names `created`, `updated` and `noop` (identical to the stored role, not
   *   written), and `errors` `{ count, details: { [name]: { type, reason } } }` for reserved names
   *   and invalid descriptors; an empty outcome is left out
   * @throws SecurityError 400 for a malformed body or descriptor; 403 without `manage_security`
   */
  bulkPut(caller: Authentication, body: unknown): Promise<BulkPutRolesResponse>;
  /**
   * Deletes several native roles (`DELETE /_security/role`).
   * @param caller - needs `manage_security`
   * @param body - `{ names: [...] }`
   * @returns the names `deleted` and `not_found`, and `errors` for reserved roles
   * @throws SecurityError 400 for a malformed body; 403 without `manage_security`
   */
  bulkDelete(caller: Authentication, body: unknown): Promise<BulkDeleteRolesResponse>;
  /**
   * Evicts cached roles and the permissions built from them (`POST /_security/role/{names}/_clear_cache`),
   * on this instance at once and on every other at its next change-journal poll.
   * @param caller - needs `manage_security`
   * @param names - the roles; none or `*` for all
   * @throws SecurityError 403 without `manage_security`
   */
  clearCache(caller: Authentication, names?: readonly string[]): Promise<ClearCacheResponse>;
}
