import type { KeyObject } from "node:crypto";
import type { Connection } from "mongoose";
import type { Realm } from "../authc/realms/realm.js";
import type { ResolvedApiKeyConfig } from "../authc/api-key/api-key-service.js";
import type { ResolvedTokenConfig } from "../authc/token/token-service.js";
import type { RoleDescriptor } from "../authz/role-descriptor.js";
import type { AuditSink } from "../audit/audit-event.js";
import type { InternalErrorReport } from "../http/internal-error-report.js";

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
   * Brute-force protection keyed on what is being guessed. `limit`/`window`: consecutive failed
   * authentications per (client address, claimed principal: username, API key id, token) before
   * that pair gets 429; a success resets the pair. `address`: failures per client address over
   * all principals (credential spraying) before new credentials from it get 429; credentials this
   * instance already verified are still answered. Default
   * `{ limit: 10, window: "15m", address: { limit: 200, window: <window> } }` (the address limit
   * is never below `limit`); `false` disables it. See docs/rate-limiting.md.
   */
  failureRateLimit?: false | { limit?: number; window?: string | number; address?: { limit?: number; window?: string | number } };
  /** Largest accepted JSON body on the router. Default `"1mb"`. */
  bodyLimit?: string | number;
  /** Send `x-elastic-product: Elasticsearch` so official Elasticsearch clients accept responses. Default `true`. */
  elasticProductHeader?: boolean;
  /** API keys (`/_security/api_key`, `Authorization: ApiKey`). See {@link ApiKeyOptions}. */
  apiKeys?: ApiKeyOptions;
  /**
   * Longest a request of the security layer (authentication, guard or `/_security` call) may wait,
   * mostly on MongoDB, before it fails closed with 503 `status_exception`; also the server-side
   * time limit (`maxTimeMS`) of every query it sends, so the database stops working on a request
   * that was already answered. Default `"10s"`; `0` disables both (then the connection's own
   * timeouts decide).
   */
  storeTimeout?: string | number;
  /**
   * Audit trail: a function receiving each {@link AuditEvent}, or a pino-like logger (`info(obj,
   * msg)`). Events: `authentication_success`, `authentication_failure`, `api_key_create`,
   * `api_key_grant`, `api_key_update`, `api_key_invalidate`, `access_denied`. They never contain
   * secrets; a sink that throws never breaks a request. Default: none.
   */
  audit?: AuditSink;
  /**
   * Told about every error the security layer answers with an opaque 500 (a bug, or a failure it
   * does not recognise): `(error, { method, path })`. Default: one line on stderr with the error's
   * name, code and stack frames, without its message (which may quote request data).
   */
  onInternalError?: InternalErrorReport;
  /** Access and refresh tokens (`/_security/oauth2/token`, `Authorization: Bearer`). See {@link TokenOptions}. */
  tokens?: TokenOptions;
}

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

/** Every option filled in and checked, computed once at construction. */
export interface ResolvedConfig {
  connection: Connection;
  collectionPrefix: string;
  bootstrapPassword: string | undefined;
  nativeRealmName: string;
  realms: Realm[];
  /** The `roles` option, parsed; a `Map` because it is looked up with user-assigned role names. */
  staticRoles: ReadonlyMap<string, RoleDescriptor>;
  anonymous: { username: string; roles: string[] } | undefined;
  runAs: boolean;
  passwordHashCost: number;
  hashWorkers: number;
  credentialCacheTtlMs: number;
  credentialCacheMaxUsers: number;
  roleCacheTtlMs: number;
  eventsPollIntervalMs: number;
  failureRateLimit: { limit: number; windowMs: number; addressLimit: number; addressWindowMs: number } | undefined;
  bodyLimit: string | number;
  elasticProductHeader: boolean;
  apiKeys: ResolvedApiKeyConfig;
  storeTimeoutMs: number;
  audit: AuditSink | undefined;
  onInternalError: InternalErrorReport;
  tokens: ResolvedTokenConfig;
}
