import type { KeyObject } from "node:crypto";

/** One named HS256 key of `tokens.signingKeys`: `id` is the `kid` of the tokens it signs. */
export interface SigningKeyOption {
  /** The `kid` (1 to 64 characters of `A-Z a-z 0-9 . _ -`), unique within `signingKeys`. */
  id: string;
  /** A string or Buffer of at least 32 bytes, or a secret `KeyObject`. */
  secret: string | Buffer | Uint8Array | KeyObject;
}

/** Options of the token service (Elasticsearch's `xpack.security.authc.token.*`). */
export interface TokenOptions {
  /** Accept `Authorization: Bearer` and serve `/_security/oauth2/token`. Default `true`. */
  enabled?: boolean;
  /**
   * HS256 key signing the access tokens (a string or Buffer of at least 32 bytes, or a secret
   * `KeyObject`); short for `signingKeys: { current: { id: "default", secret: signingKey } }`.
   * Default: a 64-byte secret generated once and stored in the `settings` collection, shared by
   * every instance using the same database, and rotated by `security.tokens.rotateSigningKey()`.
   */
  signingKey?: string | Buffer | Uint8Array | KeyObject;
  /**
   * Named HS256 keys: `current` signs new tokens (its `id` is their `kid`), `previous` only
   * verify tokens they signed. Rotating = redeploying with a new `current` and the old one moved
   * to `previous`, then removing it once the longest access-token lifetime has passed. Not
   * together with `signingKey`.
   */
  signingKeys?: { current: SigningKeyOption; previous?: readonly SigningKeyOption[] };
  /** Access-token lifetime, whole seconds from `"1s"` to `"1h"`. Default `"20m"` (as Elasticsearch). */
  accessTokenLifetime?: string | number;
  /** Refresh-token lifetime (single use; a refresh starts a new one). Default `"24h"` (at most `"30d"`). */
  refreshTokenLifetime?: string | number;
}

/** A signing key with its `kid`, resolved. */
export interface NamedSigningKey {
  id: string;
  key: KeyObject;
}

/** Options of the token service, resolved (see `SecurityOptions.tokens`). */
export interface ResolvedTokenConfig {
  enabled: boolean;
  /** The configured HS256 keys; `undefined` = a generated key ring shared through `settings`. */
  signingKeys: { current: NamedSigningKey; previous: NamedSigningKey[] } | undefined;
  accessTokenLifetimeMs: number;
  refreshTokenLifetimeMs: number;
}
