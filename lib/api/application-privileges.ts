/** The application privileges interface of `Security`. Types only. */
import type { Authentication } from "../model/authentication.js";
import type { ApplicationPrivilegeView } from "../services/privileges/application-privilege-service.js";
import type { BuiltinPrivilegesResponse } from "../services/privileges/builtin-privileges.js";
import type { ClearCacheResponse } from "../services/clear-cache-response.js";

/**
 * The application privileges API for code (`/_security/privilege`): named privileges of the host
 * app, each a set of actions, which roles then grant on resources.
 */
export interface ApplicationPrivileges {
  /**
   * Creates or replaces privileges (`PUT|POST /_security/privilege`).
   * @param caller - needs `manage_security`
   * @param body - `{ [application]: { [name]: { actions, metadata? } } }`
   * @returns `{ [application]: { [name]: { created } } }`
   * @throws SecurityError 400 for an invalid body (`parse_exception`,
   *   `action_request_validation_exception`); 403 without `manage_security`
   */
  put(caller: Authentication, body: unknown): Promise<Record<string, Record<string, { created: boolean }>>>;
  /**
   * Reads privileges (`GET /_security/privilege[/{application}[/{names}]]`).
   * @param caller - needs `read_security` or `manage_security`
   * @param application - the application; none reads every application
   * @param names - the privileges of `application` to read; none reads all of them
   * @returns the privileges by application and name, or `undefined` when an application was given
   *   and nothing was found (the router's 404 `{}`)
   * @throws SecurityError 403 without the privilege
   */
  get(
    caller: Authentication,
    application?: string,
    names?: string[],
  ): Promise<Record<string, Record<string, ApplicationPrivilegeView>> | undefined>;
  /**
   * Deletes privileges (`DELETE /_security/privilege/{application}/{names}`).
   * @param caller - needs `manage_security`
   * @param application - the application
   * @param names - the privileges to delete
   * @returns `{ [application]: { [name]: { found } } }`
   * @throws SecurityError 403 without `manage_security`
   */
  delete(caller: Authentication, application: string, names: string[]): Promise<Record<string, Record<string, { found: boolean }>>>;
  /**
   * Lists the built-in cluster and index privilege names (`GET /_security/privilege/_builtin`).
   * @param caller - needs `read_security` or `manage_security`
   * @throws SecurityError 403 without the privilege
   */
  getBuiltin(caller: Authentication): Promise<BuiltinPrivilegesResponse>;
  /**
   * Evicts cached privilege definitions (`POST /_security/privilege/{applications}/_clear_cache`),
   * on this instance at once and on every other at its next change-journal poll.
   * @param caller - needs `manage_security`
   * @param applications - the applications; none or `*` for all
   * @throws SecurityError 403 without `manage_security`
   */
  clearCache(caller: Authentication, applications?: readonly string[]): Promise<ClearCacheResponse>;
}
