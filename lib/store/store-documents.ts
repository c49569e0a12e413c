/**
 * The documents of every collection, as stored: the shapes the stores read and write. Types only;
 * the schemas that enforce them are in models.ts.
 */
import type { RoleDescriptor } from "../model/role-descriptor.js";

/** A native user as stored. `password_hash` is a bcrypt or PBKDF2 hash; it never leaves the store layer. */
export interface UserDoc {
  _id: string;
  password_hash: string;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
  version: number;
  /** The words of `full_name` and `email` as Query users matches them (written with the user; see `query-fields.ts`). */
  full_name_tokens?: string[];
  email_tokens?: string[];
  /** The version of the query fields this document carries; absent on documents the backfill has not reached. */
  query_fields?: number;
}

export interface RoleDoc {
  _id: string;
  descriptor: RoleDescriptor;
  version: number;
  /** The words of `descriptor.description` (Query roles' `text` field). */
  description_tokens?: string[];
  /** The queryable metadata: dotted keys expanded, as for API keys. */
  metadata_flattened?: Record<string, unknown>;
  /** Every metadata leaf as a string (bare `metadata` queries). */
  metadata_values?: string[];
  /** See `UserDoc.query_fields`. */
  query_fields?: number;
}

export interface ApplicationPrivilegeDoc {
  /** `<application>/<name>` */
  _id: string;
  application: string;
  name: string;
  actions: string[];
  metadata: Record<string, unknown>;
}

export interface ApiKeyCreator {
  principal: string;
  full_name: string | null;
  email: string | null;
  /**
   * The owner's user metadata as a JSON string: realms may hand us keys MongoDB-compatible servers
   * refuse (`a.b`), and it is only ever returned, never queried.
   */
  metadata: string;
  realm: string;
  realm_type: string;
}

/** One named rate limit as stored (see `lib/model/api-key-limits.ts`). */
export interface ApiKeyRateLimitDoc {
  name: string;
  limit: number;
  window_ms: number;
  auto_apply: boolean;
}

/** A credit refill as stored: `interval` is `daily`, `monthly` or milliseconds. */
export interface ApiKeyCreditRefillDoc {
  interval: "daily" | "monthly" | number;
  amount: number;
  /** Day of the month of a `monthly` refill; `null` otherwise. */
  refill_day: number | null;
  /** When the balance was last set by a refill (or the credits were set), epoch ms. */
  last_refill: number;
}

/**
 * A key's credit balance. `remaining` is the fleet-wide balance not yet leased out to instances;
 * `leased` what instances hold. The enforcement engine changes both with atomic `$inc`s, so the
 * management writes touch them only with `$inc` or a `$set` conditioned on `leased`.
 */
export interface ApiKeyCreditsDoc {
  remaining: number;
  leased: number;
  refill?: ApiKeyCreditRefillDoc;
}

/** Per-key controls beyond Elasticsearch's fields; absent on keys that have none. */
export interface ApiKeyLimitsDoc {
  rate_limits: ApiKeyRateLimitDoc[];
  credits?: ApiKeyCreditsDoc;
}

export interface ApiKeyDoc {
  _id: string;
  doc_type: "api_key";
  type: "rest" | "cross_cluster";
  name: string;
  creation_time: number;
  expiration_time: number | null;
  invalidated: boolean;
  invalidation_time: number | null;
  hash: string;
  /**
   * `{roleName: descriptor}` (normalized) as a JSON string: role names and descriptor metadata may
   * contain `.`, which FerretDB (and older MongoDB) refuse in field names; never queried.
   */
  role_descriptors: string;
  /** The owner's role descriptors at create/grant/update time, as a JSON string (see above). */
  limited_by_role_descriptors: string;
  /** User metadata as given, as a JSON string (its keys may contain `.`); returned, never queried. */
  metadata: string;
  /**
   * The queryable form of `metadata` (Elasticsearch's field name), with dotted keys expanded
   * (`{"a.b": 1}` → `{a: {b: 1}}`), so `metadata.<path>` queries read `metadata_flattened.<path>`.
   * Always written; absent from the authentication read (`ApiKeyStore.get`), which never needs it.
   */
  metadata_flattened?: Record<string, unknown>;
  /** Every leaf value of `metadata` as a string, so a query on bare `metadata` is one index lookup (as above). */
  metadata_values?: string[];
  creator: ApiKeyCreator;
  version: number;
  /** Rate limits and credits (an extension); absent when the key has none. */
  limits?: ApiKeyLimitsDoc;
  /** `false` while the key is disabled; absent (or `true`) means enabled. */
  enabled?: boolean;
  /** When the key was disabled (epoch ms); absent or `null` while enabled. */
  disabled_at?: number | null;
  /** Whether the owner (rather than a `manage_api_key` caller) disabled it: the owner may then enable it again. */
  disabled_by_owner?: boolean;
}

/**
 * An API key's usage, kept apart from the key's document (`_id` = the key id) so that usage writes
 * never rewrite the key: see `api-key-usage-store.ts`. Written only with `$max` / `$inc`.
 */
export interface ApiKeyUsageDoc {
  _id: string;
  /** Latest successful authentication (epoch ms), the max over every instance's flushes. */
  last_used: number;
  /** Successful authentications counted so far, the sum over every instance's flushes. */
  use_count: number;
}

/**
 * One access token (and, for password and refresh grants, its refresh token). `_id` is the access
 * token's JWT id. The refresh token is stored only as a SHA-256 hash; fields are flat so every
 * update is a plain `$set` that any MongoDB-compatible server applies atomically.
 */
export interface TokenDoc {
  _id: string;
  doc_type: "token";
  creation_time: number;
  /** When the access token expires (epoch ms, whole seconds as in its JWT `exp`). */
  expiration_time: number;
  /** The access token was invalidated. */
  invalidated: boolean;
  invalidation_time: number | null;
  /** Effective user of the token (invalidate by `username`). */
  username: string;
  /** The user's realm (invalidate by `realm_name`); a key's creator realm for tokens minted by an API key. */
  realm: string;
  /** The API key the token was minted with, if any. */
  api_key_id: string | null;
  /** The token's subject as JSON (see `token-authentication.ts`): realms hand us keys MongoDB refuses. */
  authentication: string;
  /** base64url SHA-256 of the refresh token; `null` when there is none (`client_credentials`). */
  refresh_hash: string | null;
  refresh_expiration_time: number | null;
  refresh_invalidated: boolean;
  /** The refresh token was used (its successor is the document with the id derived from this one). */
  refreshed: boolean;
  refresh_time: number | null;
  /** Who may refresh: the client that created the token. */
  refresh_client: string | null;
  /**
   * For a token minted by a refresh: its own access and refresh token, encrypted under a key
   * derived from the predecessor's refresh token, so a retry within the window gets them again.
   */
  sealed_pair: string | null;
  /** After this instant the document is useless (both tokens expired) and may be deleted. */
  purge_at: number;
}

export interface EventDoc {
  _id: string;
  at: number;
  kind: string;
  keys: string[];
  origin: string;
}

export interface SettingDoc {
  _id: string;
  value: unknown;
}

export interface CounterDoc {
  _id: string;
  hits: number;
  reset_at: number;
}

export interface LeaseDoc {
  _id: string;
  owner: string;
  until: number;
}

/**
 * One allowance block of a key's rate limit granted to an instance in one window: the window's
 * blocks form a sequence (`seq` 1, 2, …) whose `upto` is the allowance granted so far, fleet-wide.
 * See `api-key-rate-window-store.ts`.
 */
export interface ApiKeyRateWindowDoc {
  /** `<window>#<seq>`, unique: of two instances granting the same next block, one insert wins. */
  _id: string;
  /** `<key id>/<limit name>/<window start>` */
  window: string;
  seq: number;
  /** Allowance granted in the window up to and including this block. */
  upto: number;
  /** This block's allowance. */
  granted: number;
  instance: string;
  /** When the window is over and the block may be deleted (epoch ms; pruned by query, no TTL index). */
  expire_at: number;
}

/**
 * The credits one instance holds of one key (`_id` = `<instance>/<key id>`): taken from the key's
 * `limits.credits.remaining`, spent locally, settled back. See `api-key-credit-store.ts`.
 */
export interface ApiKeyCreditLeaseDoc {
  _id: string;
  key_id: string;
  instance: string;
  /** Credits this lease holds, spent or not, that the key document counts in `leased`. */
  held: number;
  /** Of `held`, how many the instance reported spent. */
  spent: number;
  /** Until when the instance may spend from it without renewing (epoch ms). */
  expire_at: number;
}
