/** The native users interface of `Security`. Types only. */
import type { Authentication, User } from "../model/authentication.js";
import type { UserQueries } from "./user-role-queries.js";

/**
 * The native users API for code (`/_security/user`). Changes are journaled, so every instance
 * drops its cached credentials of the user.
 */
export interface Users extends UserQueries {
  /**
   * Creates or replaces a native user (`PUT|POST /_security/user/{username}`).
   * @param caller - needs `manage_security`
   * @param username - 1 to 507 printable ASCII characters, no leading or trailing space
   * @param body - `{ password? | password_hash?, roles?, full_name?, email?, metadata?, enabled? }`;
   *   a new user needs a password
   * @returns `{ created }`
   * @throws SecurityError 400 for an invalid username or body (`action_request_validation_exception`,
   *   `illegal_argument_exception`, `parse_exception`); 403 without `manage_security`
   */
  put(caller: Authentication, username: string, body: unknown): Promise<{ created: boolean }>;
  /**
   * Reads native users (`GET /_security/user[/{names}]`).
   * @param caller - needs `read_security` or `manage_security`
   * @param names - the users to read; none reads all
   * @returns the users by name, or `undefined` when names were given and none exists (the
   *   router's 404 `{}`)
   * @throws SecurityError 403 without the privilege
   */
  get(caller: Authentication, names?: string[]): Promise<Record<string, User> | undefined>;
  /**
   * Deletes a native user (`DELETE /_security/user/{username}`).
   * @param caller - needs `manage_security`
   * @param username - the user to delete
   * @returns `{ found }`
   * @throws SecurityError 403 without `manage_security`
   */
  delete(caller: Authentication, username: string): Promise<{ found: boolean }>;
  /**
   * Sets a user's password (`PUT /_security/user/{username}/_password`). A native user may change
   * their own password without any privilege; anyone else's needs `manage_security`.
   * @param caller - the subject changing it
   * @param username - the user; `undefined` means the caller
   * @param body - `{ password }` or `{ password_hash }` (bcrypt, `{PBKDF2}` or `{PBKDF2_STRETCH}`)
   * @returns whether the user exists
   * @throws SecurityError 400 for an invalid body (`action_request_validation_exception`,
   *   `parse_exception`); 403 when changing someone else's password without the privilege
   */
  changePassword(caller: Authentication, username: string | undefined, body: unknown): Promise<boolean>;
  /**
   * Enables or disables a user (`PUT /_security/user/{username}/_enable|_disable`).
   * @param caller - needs `manage_security`; may not change its own account
   * @param username - the user
   * @param enabled - the new status
   * @returns whether the user exists
   * @throws SecurityError 400 (`illegal_argument_exception`) for the caller's own account; 403
   *   without `manage_security`
   */
  setEnabled(caller: Authentication, username: string, enabled: boolean): Promise<boolean>;
}
