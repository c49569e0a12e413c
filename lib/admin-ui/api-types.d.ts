/**
 * The parts of the router's `/_security` answers the page reads. Types only: they describe this
 * package's own server, so the page trusts their shape but never their content (it reaches the
 * DOM as text). A declaration file, so the browser build holds no empty module for it.
 */

export interface RealmRef {
  name: string;
  type?: string;
}

/** `GET /_security/_authenticate`. */
export interface AuthenticateAnswer {
  username: string;
  authentication_realm?: RealmRef;
  lookup_realm?: RealmRef;
  /** Present when the caller signed in with an API key. */
  api_key?: { id: string; name?: string | null };
}

/** `POST /_security/user/_has_privileges`. */
export interface HasPrivilegesAnswer {
  cluster?: Record<string, boolean>;
}

/** One key of a `_query/api_key` answer. */
export interface ApiKeyInfo {
  id: string;
  name?: string | null;
  username: string;
  realm: string;
  creation: number;
  expiration?: number | null;
  invalidated: boolean;
  invalidation?: number;
  metadata?: Record<string, unknown>;
  role_descriptors?: Record<string, unknown>;
  /** `false` while the key is disabled; absent when enabled. */
  enabled?: boolean;
  disabled_at?: number;
  /** Rate limits and credits, on keys that have any. */
  limits?: ApiKeyLimits;
  /** The key's sort values: the `search_after` that loads the page after it. */
  _sort?: unknown[];
}

/** `POST /_security/_query/api_key`. */
export interface QueryApiKeysAnswer {
  total?: number;
  api_keys?: ApiKeyInfo[];
}

/** `POST /_security/api_key`. */
export interface CreateApiKeyAnswer {
  id: string;
  name: string;
  expiration?: number;
  api_key: string;
  encoded: string;
}

/** `DELETE /_security/api_key`. */
export interface InvalidateApiKeysAnswer {
  invalidated_api_keys?: string[];
  previously_invalidated_api_keys?: string[];
  error_count?: number;
  error_details?: Array<{ reason?: string }>;
}

/** One rate limit of a key, with the current window's use. */
export interface RateLimitInfo {
  name: string;
  limit: number;
  window: string;
  auto_apply?: boolean;
  used?: number;
  window_start?: number;
}

/** A key's credit balance and refill. */
export interface CreditsInfo {
  remaining: number;
  leased?: number;
  refill?: { interval: string; amount: number; refill_day?: number; last_refill?: number };
}

/** A key's `limits`, as Get and Query show them. */
export interface ApiKeyLimits {
  rate_limits?: RateLimitInfo[];
  credits?: CreditsInfo;
}

/** `POST /_security/api_key/{id}/_credits`. */
export interface CreditsAnswer {
  id: string;
  credits: { remaining: number; leased: number };
}

/** A role descriptor as `GET /_security/role` returns it. */
export interface RoleDescriptorInfo {
  cluster?: string[];
  indices?: Array<{ names?: string[] | string; privileges?: string[] }>;
  applications?: Array<{ application?: string; privileges?: string[]; resources?: string[] }>;
  run_as?: string[];
  metadata?: Record<string, unknown>;
}

/** `GET /_security/role[/{name}]`: descriptors by role name. */
export type RolesAnswer = Record<string, RoleDescriptorInfo>;

/** One user as the Query User API and `GET /_security/user` return it. */
export interface UserInfo {
  username: string;
  roles?: string[];
  full_name?: string | null;
  email?: string | null;
  enabled?: boolean;
  metadata?: Record<string, unknown>;
}

/** `POST /_security/_query/user`. */
export interface QueryUsersAnswer {
  total?: number;
  count?: number;
  users?: UserInfo[];
}

/** `GET /_security/user`: users by username. */
export type UsersAnswer = Record<string, UserInfo>;
