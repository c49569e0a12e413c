import type { Connection } from "mongoose";
import type { Realm } from "./realm.js";
import type { ApiKeyOptions, ResolvedApiKeyConfig } from "./api-key-options.js";
import type { ResolvedTokenConfig, TokenOptions } from "./token-options.js";
import type { RoleDescriptor } from "./role-descriptor.js";
import type { AuditSink } from "./audit-event.js";
import type { InternalErrorReport } from "./internal-error-report.js";

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
