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
