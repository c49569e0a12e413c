/** The API-key management interface of `Security`, and the Query API keys response. Types only. */
import type { ApiKeyCreditsResponse, BulkUpdateApiKeyResponse, ClearApiKeyCacheResponse, CreateApiKeyResponse, GetApiKeyResponse, InvalidateApiKeyResponse, SetApiKeyEnabledResponse, SetApiKeyLimitsResponse } from "../services/api-keys/api-key-responses.js";
import type { QueryApiKeyParams } from "../services/api-keys/get-api-keys.js";
import type { ApiKeyInfo } from "../authc/api-key/api-key-document.js";
import type { GetApiKeyParams } from "../services/api-keys/api-key-requests.js";
import type { ImportApiKeysOptions, ImportApiKeysResult } from "../services/api-keys/import-api-keys-options.js";
import type { Authentication } from "../model/authentication.js";

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
