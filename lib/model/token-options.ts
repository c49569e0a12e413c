import type { KeyObject } from "node:crypto";

/** Options of the token service (Elasticsearch's `xpack.security.authc.token.*`). */
export interface TokenOptions {
  /** Accept `Authorization: Bearer` and serve `/_security/oauth2/token`. Default `true`. */
  enabled?: boolean;
  /**
   * HS256 key signing the access tokens (a string or Buffer of at least 32 bytes, or a secret
   * `KeyObject`). Default: a 64-byte secret generated once and stored in the `settings`
   * collection, shared by every instance using the same database.
   */
  signingKey?: string | Buffer | Uint8Array | KeyObject;
  /** Access-token lifetime, whole seconds from `"1s"` to `"1h"`. Default `"20m"` (as Elasticsearch). */
  accessTokenLifetime?: string | number;
  /** Refresh-token lifetime (single use; a refresh starts a new one). Default `"24h"` (at most `"30d"`). */
  refreshTokenLifetime?: string | number;
}

/** Options of the token service, resolved (see `SecurityOptions.tokens`). */
export interface ResolvedTokenConfig {
  enabled: boolean;
  /** The configured HS256 key; `undefined` = a generated key shared through `settings`. */
  signingKey: KeyObject | undefined;
  accessTokenLifetimeMs: number;
  refreshTokenLifetimeMs: number;
}
