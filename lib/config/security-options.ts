import type { Connection } from "mongoose";
import type { Realm } from "../authc/realms/realm.js";
import type { ResolvedApiKeyConfig } from "../authc/api-key/api-key-service.js";
import type { RoleDescriptor } from "../authz/role-descriptor.js";

/** Options of {@link createSecurity}. Only `connection` is required. */
export interface SecurityOptions {
  /** The mongoose connection holding the security collections (e.g. `mongoose.connection`). */
  connection: Connection;
  /** Prefix of every collection name. Default `"security_"`. */
  collectionPrefix?: string;
  /**
   * Password of the bootstrap superuser `elastic`, created by `start()` when absent. When not
   * given, no bootstrap user is created.
   */
  bootstrapPassword?: string;
  /** Name of the built-in realm for users stored in MongoDB. Default `"native"`. */
  nativeRealmName?: string;
  /** Realms tried after the native realm, in order (e.g. one trusting an upstream session). */
  realms?: Realm[];
  /** Roles defined in code, read-only through the API. Validated like `PUT /_security/role`. */
  roles?: Record<string, unknown>;
  /** Anonymous access: requests without credentials get this user. Off by default. */
  anonymous?: { username?: string; roles: string[] };
  /** Honour `es-security-runas-user`. Default `true`. */
  runAs?: boolean;
  /** bcrypt cost for new password hashes. Default `10` (4–31). */
  passwordHashCost?: number;
  /** Worker threads running bcrypt off the event loop. Default `1` (2 on machines with ≥ 4 cores). */
  hashWorkers?: number;
  /** How long a verified Basic credential is cached. Default `"20m"`; `0` disables the cache. */
  credentialCacheTtl?: string | number;
  /** Most usernames kept in the credential cache. Default `100000`. */
  credentialCacheMaxUsers?: number;
  /** How long native roles and application privileges are trusted between journal events. Default `"5m"`. */
  roleCacheTtl?: string | number;
  /** How often each instance polls the change journal. Default `"1s"`. */
  eventsPollInterval?: string | number;
  /**
   * Brute-force protection: failed authentications per client and window before 429.
   * Default `{ limit: 20, window: "1m" }`; `false` disables it.
   */
  failureRateLimit?: false | { limit?: number; window?: string | number };
  /** Largest accepted JSON body on the router. Default `"1mb"`. */
  bodyLimit?: string | number;
  /** Send `x-elastic-product: Elasticsearch` so official Elasticsearch clients accept responses. Default `true`. */
  elasticProductHeader?: boolean;
  /** API keys (`/_security/api_key`, `Authorization: ApiKey`). See {@link ApiKeyOptions}. */
  apiKeys?: ApiKeyOptions;
}

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
}

/** Every option filled in and checked, computed once at construction. */
export interface ResolvedConfig {
  connection: Connection;
  collectionPrefix: string;
  bootstrapPassword: string | undefined;
  nativeRealmName: string;
  realms: Realm[];
  staticRoles: Record<string, RoleDescriptor>;
  anonymous: { username: string; roles: string[] } | undefined;
  runAs: boolean;
  passwordHashCost: number;
  hashWorkers: number;
  credentialCacheTtlMs: number;
  credentialCacheMaxUsers: number;
  roleCacheTtlMs: number;
  eventsPollIntervalMs: number;
  failureRateLimit: { limit: number; windowMs: number } | undefined;
  bodyLimit: string | number;
  elasticProductHeader: boolean;
  apiKeys: ResolvedApiKeyConfig;
}
