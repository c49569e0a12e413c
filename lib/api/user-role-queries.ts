/**
 * The query methods of the public `Users` and `Roles` interfaces (`/_security/_query/user` and
 * `/_security/_query/role`), and their response types.
 */
import type { Authentication, User } from "../model/authentication.js";
import type { RoleDescriptor } from "../model/role-descriptor.js";

/** One value of a hit's `_sort` array (and of `search_after`). */
export type QuerySortValue = string | number | boolean | null;

/** The URL parameters of Query users. */
export interface QueryUsersParams {
  /**
   * Accepted for compatibility (`true`/`false`, or their query-string spellings); this library has
   * no user profiles, so no `profile_uid` is ever added.
   */
  readonly with_profile_uid?: unknown;
}

/** One user of a Query users response: the user as `GET /_security/user` shows it, and `_sort` when the request sorted. */
export type QueriedUser = User & { _sort?: QuerySortValue[] };

/** The response body of Query users (`_query/user`). */
export interface QueryUsersResponse {
  /** How many users match (ignoring `from`, `size` and `search_after`). */
  total: number;
  /** How many users this page holds. */
  count: number;
  users: QueriedUser[];
}

/** One role of a Query roles response: its name and descriptor, and `_sort` when the request sorted. */
export type QueriedRole = { name: string } & RoleDescriptor & { _sort?: QuerySortValue[] };

/** The response body of Query roles (`_query/role`). */
export interface QueryRolesResponse {
  /** How many roles match (ignoring `from`, `size` and `search_after`). */
  total: number;
  /** How many roles this page holds. */
  count: number;
  roles: QueriedRole[];
}

/** Query users, for code. */
export interface UserQueries {
  /**
   * Native users matching an Elasticsearch query (`GET|POST /_security/_query/user`). Reserved
   * users (the bootstrap `elastic`) and users of other realms are not searched.
   * @param caller - needs `read_security`, `manage_security` or `all`
   * @param body - `{ query?, from?, size?, sort?, search_after? }`; queryable fields: `username`,
   *   `roles`, `enabled`, and the text fields `full_name` and `email` (not sortable)
   * @param params - `with_profile_uid` (accepted, no effect)
   * @returns `{ total, count, users }`
   * @throws SecurityError 400 for a malformed body, a field or query type Elasticsearch refuses
   *   here, or a value that is not a JSON scalar; 403 without the privilege
   */
  query(caller: Authentication, body: unknown, params?: QueryUsersParams): Promise<QueryUsersResponse>;
}

/** Query roles, for code. */
export interface RoleQueries {
  /**
   * Native roles matching an Elasticsearch query (`GET|POST /_security/_query/role`). Built-in and
   * static roles are not searched.
   * @param caller - needs `read_security`, `manage_security` or `all`
   * @param body - `{ query?, from?, size?, sort?, search_after? }`; queryable fields: `name`,
   *   `description` (text, not sortable), `metadata` and `metadata.<path>`,
   *   `applications.application`, `applications.resources`, `applications.privileges`
   * @returns `{ total, count, roles }`
   * @throws SecurityError 400 for a malformed body, a field or query type Elasticsearch refuses
   *   here, or a value that is not a JSON scalar; 403 without the privilege
   */
  query(caller: Authentication, body: unknown): Promise<QueryRolesResponse>;
}
