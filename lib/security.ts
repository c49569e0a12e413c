/**
 * The public face of the library: what `createSecurity` returns and the management interfaces it
 * hands out. Types only. The objects behind them are the services of this package, but users
 * depend on these interfaces alone, so the services can be reorganised without breaking them.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Router } from "express";
import type {
  ApiKeyCreditsResponse,
  BulkUpdateApiKeyResponse,
  ClearApiKeyCacheResponse,
  CreateApiKeyResponse,
  GetApiKeyResponse,
  InvalidateApiKeyResponse,
  SetApiKeyEnabledResponse,
  SetApiKeyLimitsResponse,
} from "./services/api-keys/api-key-responses.js";
import type { QueryApiKeyParams } from "./services/api-keys/get-api-keys.js";
import type { ApiKeyInfo } from "./authc/api-key/api-key-document.js";
import type { GetApiKeyParams } from "./services/api-keys/api-key-requests.js";
import type { ImportApiKeysOptions, ImportApiKeysResult } from "./services/api-keys/import-api-keys-options.js";
import type { Authentication, User } from "./model/authentication.js";
import type { CreateTokenResponse, InvalidateTokenResponse } from "./services/tokens/token-responses.js";
import type { RotateSigningKeyOptions, SigningKeyRotation } from "./model/signing-key-rotation.js";
import type { ApplicationPrivilegeView } from "./services/privileges/application-privilege-service.js";
import type { BuiltinPrivilegesResponse } from "./services/privileges/builtin-privileges.js";
import type { BulkDeleteRolesResponse, BulkPutRolesResponse } from "./services/roles/bulk-roles.js";
import type { ClearCacheResponse } from "./services/clear-cache-response.js";
import type { HasPrivilegesResponse } from "./authz/has-privileges.js";
import type { PermissionCheck } from "./authz/permission-check.js";
import type { RoleDescriptor } from "./model/role-descriptor.js";
import type { RoleQueries, UserQueries } from "./security-queries.js";
import type { AdminUiOptions } from "./http/admin-ui/resolve-admin-ui-options.js";
import type { AuthenticateOptions } from "./http/authenticate-middleware.js";
import type { BackgroundWork } from "./http/background-work.js";
import type { PrivilegeRequirement, RequirePrivilegesOptions } from "./http/require-privileges.js";

/** The response body of the Query API keys API (`_query/api_key`). */
export interface QueryApiKeyResponse {
  /** How many keys match (ignoring `from`, `size` and `search_after`). */
  total: number;
  /** How many keys this page holds. */
  count: number;
  /** The page; each key carries `_sort` when the request sorted. */
  api_keys: ApiKeyInfo[];
  /** Present when the request asked for aggregations. */
  aggregations?: Record<string, unknown>;
}

/**
 * The API-key API for code: the router's `/_security/api_key` endpoints as methods. Each takes the
 * caller's `Authentication` and applies Elasticsearch's privilege rules to it, as the router does
 * (`manage_own_api_key` for the caller's own keys, `read_security` reads all, `manage_api_key`
 * manages all, `grant_api_key` grants). Request bodies are the REST bodies, validated here.
 *
 * Every method may also throw a `SecurityError` 503 when the database does not answer within
 * `storeTimeout`.
 */
export interface ApiKeys {
  /**
   * Creates a key owned by `caller` (`POST /_security/api_key`). The secret is in the response
   * only; it is never stored.
   * @param caller - the subject creating the key; it becomes the owner, and its roles now are the
   *   key's limited-by snapshot
   * @param body - `{ name, expiration?, role_descriptors?, metadata?, limits? }`; `limits` (an
   *   extension) restricts the new key: `{ rate_limits?, credits? }`, see docs/api-key-limits.md
   * @returns `{ id, name, expiration?, api_key, encoded }`
   * @throws SecurityError 400 for an invalid body (`parse_exception`,
   *   `action_request_validation_exception`, `illegal_argument_exception`), for a key created by an
   *   API key with non-empty role descriptors, or when API keys are disabled
   *   (`feature_not_enabled_exception`); 401 when the owner no longer exists or is disabled;
   *   403 without `manage_own_api_key`
   */
  create(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse>;
  /**
   * Creates a key on behalf of the user whose credentials are in `body`
   * (`POST /_security/api_key/grant`).
   * @param caller - the subject granting; needs `grant_api_key` and must not be an API key
   * @param body - `{ grant_type: "password" | "access_token", username?, password?,
   *   access_token?, run_as?, api_key: { name, expiration?, role_descriptors?, metadata? } }`
   * @returns the new key, as {@link ApiKeys.create}
   * @throws SecurityError 400 for an invalid body, an unsupported grant type, an API-key caller or
   *   a run-as the credentials do not allow; 401 when the grant credentials do not authenticate;
   *   403 without `grant_api_key`
   */
  grant(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse>;
  /**
   * Reads keys by id, name (`*` suffix allowed), owner or realm (`GET /_security/api_key`).
   * @param caller - the subject reading: its own keys need `manage_own_api_key` (and a
   *   self-scoped request), anyone's need `read_security`
   * @param params - the query-string parameters, typed; none reads every key the caller may see
   * @returns `{ api_keys }`
   * @throws TypeError when `params` is not an object; SecurityError 400 for invalid or
   *   contradictory parameters or when API keys are disabled; 403 when the caller may not read
   *   the keys asked for
   */
  get(caller: Authentication, params?: GetApiKeyParams): Promise<GetApiKeyResponse>;
  /**
   * Searches keys with the query DSL subset, paging, sorting and aggregations
   * (`GET|POST /_security/_query/api_key`). A `manage_own_api_key` caller sees only its own keys.
   * @param caller - the subject searching
   * @param body - `{ query?, from?, size?, sort?, search_after?, aggs? }`, or `undefined`
   * @param params - `with_limited_by`, `with_profile_uid`, `typed_keys`
   * @returns `{ total, count, api_keys, aggregations? }`
   * @throws SecurityError 400 for a query, sort or aggregation outside the supported subset, or
   *   when API keys are disabled; 403 without `manage_own_api_key` (or, for an API key asking for
   *   limited-by descriptors, without `manage_api_key`)
   */
  query(caller: Authentication, body: unknown, params?: QueryApiKeyParams): Promise<QueryApiKeyResponse>;
  /**
   * Updates one of the caller's own keys (`PUT /_security/api_key/{id}`): descriptors, metadata,
   * expiration; the limited-by snapshot is taken again.
   * @param caller - the key's owner, authenticated as a user (never with an API key)
   * @param id - the key's id
   * @param body - `{ role_descriptors?, metadata?, expiration? }`
   * @returns `{ updated }`, `false` when nothing changed
   * @throws SecurityError 400 for an invalid body, an API-key caller, an invalidated or expired
   *   key, or when API keys are disabled; 404 when the caller owns no such key; 409 when
   *   concurrent updates kept winning; 403 without `manage_own_api_key`
   */
  update(caller: Authentication, id: string, body?: unknown): Promise<{ updated: boolean }>;
  /**
   * Applies one update to several of the caller's own keys
   * (`POST /_security/api_key/_bulk_update`). Per-key failures are in the response's `errors`.
   * @param caller - the keys' owner, authenticated as a user (never with an API key)
   * @param body - `{ ids, role_descriptors?, metadata?, expiration? }`
   * @returns `{ updated, noops, errors? }`
   * @throws SecurityError 400 for an invalid body, an API-key caller, or when API keys are
   *   disabled; 403 without `manage_own_api_key`
   */
  bulkUpdate(caller: Authentication, body: unknown): Promise<BulkUpdateApiKeyResponse>;
  /**
   * Invalidates keys by ids, name, owner or realm (`DELETE /_security/api_key`). They stop
   * working on this instance at once and on every other at its next change-journal poll.
   * @param caller - the subject invalidating: its own keys need `manage_own_api_key` (and a
   *   self-scoped request), anyone's need `manage_api_key`
   * @param body - `{ ids?, name?, username?, realm_name?, owner? }`
   * @returns `{ invalidated_api_keys, previously_invalidated_api_keys, error_count, error_details? }`
   * @throws SecurityError 400 for an invalid body or when API keys are disabled; 403 when the
   *   caller may not invalidate the keys asked for
   */
  invalidate(caller: Authentication, body: unknown): Promise<InvalidateApiKeyResponse>;
  /**
   * Evicts keys from the authentication caches of every instance
   * (`POST /_security/api_key/{ids}/_clear_cache`).
   * @param caller - the subject clearing; needs `manage_security`
   * @param ids - the keys to evict; none, `*` or `_all` evicts every key
   * @returns the `_nodes` summary Elasticsearch answers with
   * @throws SecurityError 403 without the cache-clear action (`manage_security`)
   */
  clearCache(caller: Authentication, ids?: readonly string[]): Promise<ClearApiKeyCacheResponse>;
  /**
   * Re-validates a key by id, without its secret, for work that runs later as the key.
   * @param id - the key's id
   * @returns the `Authentication` of a request made with the key
   * @throws SecurityError 401 unless the key exists, is a REST key, and is neither invalidated
   *   nor expired; 400 when API keys are disabled
   */
  authenticationForKey(id: string): Promise<Authentication>;
  /**
   * Brings existing keys (plaintext secrets or Elasticsearch-format hashes, with owners and
   * descriptors) into the store. All-or-nothing validation, idempotent, resumable: invalid rows
   * and conflicts are reported in the result, and then nothing is written.
   * @param rows - an array of rows, or the text of a JSON-array or NDJSON file
   * @param options - progress callback, dry run, batch size
   * @returns counts, problems and the outcome of every row
   * @throws TypeError when `rows` or `options` is not of the expected type;
   *   SecurityError 400 when API keys are disabled
   */
  import(rows: readonly unknown[] | string, options?: ImportApiKeysOptions): Promise<ImportApiKeysResult>;
  /**
   * Writes this instance's pending key usage (`last_used`, `use_count`) now; it is otherwise
   * written every `apiKeys.usageFlushInterval` and on `close()`. Never rejects: what could not be
   * written stays pending for the next flush.
   */
  flushUsage(): Promise<void>;
  /**
   * Replaces a key's rate limits and credit settings (`PUT /_security/api_key/{id}/_limits`, an
   * extension). Every instance enforces the new limits after its next change-journal poll.
   * @param caller - needs `manage_api_key` (an owner's `manage_own_api_key` is not enough: an
   *   owner must not lift limits set by the key's provider)
   * @param id - the key's id
   * @param limits - `{ rate_limits?: [{ name, limit, window, auto_apply? }], credits?: { remaining?,
   *   refill?: { interval, amount, refill_day? } } }`; `{}` removes every limit. A given
   *   `remaining` sets the whole balance; without it the balance is kept.
   * @returns `{ id, limits? }`: the limits now, absent when removed
   * @throws SecurityError 400 for an invalid body or an invalidated key; 403 without
   *   `manage_api_key`; 404 when no such key exists; 409 when concurrent writes kept winning
   */
  setLimits(caller: Authentication, id: string, limits: unknown): Promise<SetApiKeyLimitsResponse>;
  /**
   * Sets a key's whole credit balance, counting credits app instances already hold
   * (`POST /_security/api_key/{id}/_credits` with `{ remaining }`).
   * @param caller - needs `manage_api_key`
   * @param id - the key's id; it must have credits
   * @param remaining - the new balance, an integer ≥ 0
   * @returns `{ id, credits: { remaining, leased } }`
   * @throws SecurityError 400 for an invalid amount, a key without credits or invalidated; 403
   *   without `manage_api_key`; 404 when no such key exists
   */
  setCredits(caller: Authentication, id: string, remaining: number): Promise<ApiKeyCreditsResponse>;
  /**
   * Adds credits to a key's balance in one atomic increment
   * (`POST /_security/api_key/{id}/_credits` with `{ add }`).
   * @param caller - needs `manage_api_key`
   * @param id - the key's id; it must have credits
   * @param amount - an integer ≥ 1
   * @returns `{ id, credits: { remaining, leased } }`
   * @throws SecurityError as {@link ApiKeys.setCredits}
   */
  addCredits(caller: Authentication, id: string, amount: number): Promise<ApiKeyCreditsResponse>;
  /**
   * Disables a key without invalidating it (`POST /_security/api_key/{id}/_disable`): requests
   * with it get a 401 ("api key [id] is disabled") on this instance at once and on every other
   * within one change-journal poll. It can be enabled again.
   * @param caller - `manage_api_key` for any key, or `manage_own_api_key` for the caller's own
   *   key (an API key: only itself)
   * @param id - the key's id
   * @returns `{ id, enabled: false, updated }`, `updated` false when it already was disabled
   * @throws SecurityError 400 for an invalidated key; 403 without the privilege; 404 when the
   *   caller may see no such key
   */
  disable(caller: Authentication, id: string): Promise<SetApiKeyEnabledResponse>;
  /**
   * Enables a disabled key again (`POST /_security/api_key/{id}/_enable`).
   * @param caller - `manage_api_key` for any key; the owner (`manage_own_api_key`) only when the
   *   owner disabled it
   * @param id - the key's id
   * @returns `{ id, enabled: true, updated }`
   * @throws SecurityError 400 for an invalidated key; 403 without the privilege, or for an owner
   *   when a `manage_api_key` user disabled the key; 404 when the caller may see no such key
   */
  enable(caller: Authentication, id: string): Promise<SetApiKeyEnabledResponse>;
}

/** The token API for code: the router's `/_security/oauth2/token` endpoints as methods. */
export interface Tokens {
  /**
   * Issues an access token (`POST /_security/oauth2/token`): `grant_type` `password` (a token for
   * that user, with a refresh token), `client_credentials` (a token for the caller, no refresh
   * token) or `refresh_token` (a new pair; the refresh token is spent).
   * @param caller - the subject asking; needs `manage_token`
   * @param body - `{ grant_type, username?, password?, refresh_token?, scope? }`
   * @returns `{ access_token, type, expires_in, refresh_token?, scope?, authentication }`
   * @throws TokenRequestError (a SecurityError 400: `invalid_request`, `unsupported_grant_type`,
   *   `invalid_grant`) for a refused request; SecurityError 400 for a body that is not a JSON
   *   object or when tokens are disabled (`feature_not_enabled_exception`), 401 for wrong
   *   password-grant credentials, 403 without `manage_token`
   */
  create(caller: Authentication, body: unknown): Promise<CreateTokenResponse>;
  /**
   * Invalidates tokens (`DELETE /_security/oauth2/token`) by `token` (an access token, even
   * expired), `refresh_token`, or `username` and/or `realm_name` (all their active tokens).
   * @param caller - the subject invalidating; needs `manage_token`
   * @param body - exactly one of `{ token }`, `{ refresh_token }`, `{ username?, realm_name? }`
   * @returns the counts; all zero for a token that is not ours or no longer exists
   * @throws SecurityError 400 for an invalid body (`parse_exception`,
   *   `x_content_parse_exception`, `action_request_validation_exception`) or when tokens are
   *   disabled (`feature_not_enabled_exception`); 403 without `manage_token`
   */
  invalidate(caller: Authentication, body: unknown): Promise<InvalidateTokenResponse>;
  /**
   * Rotates the generated access-token signing key (no REST endpoint: an operator's action, also
   * `express-keyguard rotate-token-key`). New tokens carry the new key's `kid`; the replaced key
   * keeps verifying the tokens it signed until they have all expired (access-token lifetime plus
   * one minute), or stops at once with `retireImmediately` (a leaked key). Every instance sharing
   * the database follows within one `eventsPollInterval`.
   * @param options - `{ retireImmediately? }`
   * @returns the new `kid`, the keys still verifying with their retirement time, the keys dropped
   * @throws SecurityError 400 when the keys come from the `tokens.signingKey`/`signingKeys`
   *   options (rotate by redeploying) or tokens are disabled; TypeError for bad options
   */
  rotateSigningKey(options?: RotateSigningKeyOptions): Promise<SigningKeyRotation>;
}

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
   * @param body - `{ password }` or `{ password_hash }` (bcrypt)
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

/** Realm caches for code (`/_security/realm`). */
export interface Realms {
  /**
   * Evicts cached users of realms (`POST /_security/realm/{realms}/_clear_cache`) through each
   * realm's `clearCache`, on this instance at once and on every other at its next
   * change-journal poll.
   * @param caller - needs `manage_security`
   * @param realms - realm names; none or `*` for every realm
   * @param usernames - only these users; none for every user
   * @throws SecurityError 400 for a realm the chain does not have; 403 without `manage_security`
   */
  clearCache(caller: Authentication, realms?: readonly string[], usernames?: readonly string[]): Promise<ClearCacheResponse>;
}

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
