/** Stored-hash algorithms for API-key secrets (Elasticsearch's `hashing.algorithm`). */
export type ApiKeyHashAlgorithm = "ssha256" | "pbkdf2" | "bcrypt";

export const API_KEY_HASH_ALGORITHMS: readonly ApiKeyHashAlgorithm[] = Object.freeze(["ssha256", "pbkdf2", "bcrypt"]);

/** Options of the API-key subsystem (Elasticsearch's `xpack.security.authc.api_key.*`). */
export interface ApiKeyOptions {
  /** Accept `Authorization: ApiKey` and serve the API-key endpoints. Default `true`. */
  enabled?: boolean;
  /**
   * Stored hash of new secrets: `"ssha256"` (default, as Elasticsearch 8.18+/9.x: salted SHA-256,
   * fast and safe for 128-bit random secrets), `"pbkdf2"` (PBKDF2-HMAC-SHA512, 10,000 iterations,
   * in libuv's thread pool) or `"bcrypt"` (worker threads, cost `passwordHashCost`). Keys stored
   * with any of them keep verifying after a change.
   */
  hashAlgorithm?: "ssha256" | "pbkdf2" | "bcrypt";
  /** Auth cache expire-after-access time. Default `"1d"`; `0` disables both API-key caches. */
  cacheTtl?: string | number;
  /** Most keys in the auth cache. Default `25000`. */
  cacheMaxKeys?: number;
  /** How long a cached key document is trusted without re-reading it. Default `"5m"` (0–15m). */
  docCacheTtl?: string | number;
  /** Expired or invalidated keys are deleted this long after. Default `"7d"`. */
  retention?: string | number;
  /** How often the remover runs (one instance at a time). Default `"1h"`. */
  removerInterval?: string | number;
  /**
   * Prefix of new keys' secrets, 1–16 characters of `[A-Za-z0-9_-]`. Default `"kg_"`. Secrets are
   * `<prefix><22 random base62><6 base62 CRC-32 checksum>` (e.g. `kg_` + 28 characters), so secret
   * scanners can find leaked ones and a mistyped secret is refused before any lookup. Keys issued
   * under another prefix, and secrets of any other shape (imported, Elasticsearch's), keep working.
   */
  secretPrefix?: string;
  /**
   * Hash upgrade on use: after a key authenticates with a stored hash in another format than
   * `hashAlgorithm` (e.g. an imported `{PBKDF2}`), rewrite it once in the background. Default
   * `true`. Instances sharing a database should agree on `hashAlgorithm`; turn this off while they
   * do not (e.g. during a rolling change of `hashAlgorithm`), or they rewrite each other's hashes.
   */
  upgradeHashes?: boolean;
  /**
   * Last-used tracking: each instance counts successful authentications per key in memory and
   * writes them in one bulk write this often, so Get/Query show `last_used` and `use_count`. Default
   * `"60s"`; `0` or `false` turns tracking off on this instance (stored usage is still shown). A
   * crash loses at most one interval of usage.
   */
  usageFlushInterval?: string | number | false;
}

/** Options of the API-key subsystem, resolved (see `SecurityOptions.apiKeys`). */
export interface ResolvedApiKeyConfig {
  enabled: boolean;
  hashAlgorithm: ApiKeyHashAlgorithm;
  cacheTtlMs: number;
  cacheMaxKeys: number;
  docCacheTtlMs: number;
  retentionMs: number;
  removerIntervalMs: number;
  /** Prefix of new secrets (see `ApiKeyOptions.secretPrefix`). */
  secretPrefix: string;
  /** Rewrite other-format hashes after a successful authentication (see `ApiKeyOptions.upgradeHashes`). */
  upgradeHashes: boolean;
  /** Usage flush interval in ms; 0 = no last-used tracking here (see `ApiKeyOptions.usageFlushInterval`). */
  usageFlushIntervalMs: number;
}
