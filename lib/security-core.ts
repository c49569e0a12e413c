import { QueryFieldsBackfill } from "./services/query-fields-backfill.js";
import { roleQueryFields } from "./services/roles/role-query-fields.js";
import { ApiKeyService } from "./services/api-keys/api-key-service.js";
import { ApiKeyLimitEnforcer } from "./services/api-keys/limits/api-key-limit-enforcer.js";
import { TokenService } from "./services/tokens/token-service.js";
import { AuthenticationService } from "./authc/authentication-service.js";
import { AuthenticatorChain } from "./authc/authenticator-chain.js";
import { CredentialCache } from "./authc/realms/credential-cache.js";
import { NativeRealm } from "./authc/realms/native-realm.js";
import { NativeUserService } from "./services/users/native-user-service.js";
import { realmRef } from "./authc/realms/realm-ref.js";
import type { Realm } from "./model/realm.js";
import { AuditTrail } from "./audit/audit-trail.js";
import { ApplicationPrivilegeService } from "./services/privileges/application-privilege-service.js";
import { Authorizer } from "./authz/authorizer.js";
import { RoleService } from "./services/roles/role-service.js";
import { RealmCacheService } from "./services/realms/realm-cache-service.js";
import { clearRealmCaches, decodeRealmCacheTarget } from "./authc/realms/realm-cache-target.js";
import type { ClusterNode } from "./services/clear-cache-response.js";
import type { ResolvedConfig } from "./model/security-options.js";
import { ApplicationPrivilegeStore } from "./store/application-privilege-store.js";
import { EventsJournal } from "./store/events-journal.js";
import { createModels, ensureIndexes, type SecurityModels } from "./store/models.js";
import { RoleStore } from "./store/role-store.js";
import { StoreTimeLimit } from "./store/store-time-limit.js";
import { UserStore } from "./store/user-store.js";
import type { InternalErrorReport } from "./model/internal-error-report.js";
import { PasswordHasher } from "./support/password-hasher.js";

/**
 * Everything the security layer is made of, wired together, free of any HTTP framework.
 * `createSecurity` puts an Express face on it.
 */
export class SecurityCore {
  readonly config: ResolvedConfig;
  /** The `audit` option's sink; a no-op when none is configured. */
  readonly audit: AuditTrail;
  /** The `onInternalError` option (never throws). */
  readonly reportInternalError: InternalErrorReport;
  readonly models: SecurityModels;
  /** `maxTimeMS` of every store query: the `storeTimeout` deadline. */
  readonly storeTimeLimit: StoreTimeLimit;
  readonly journal: EventsJournal;
  readonly hasher: PasswordHasher;
  readonly credentialCache: CredentialCache;
  readonly userStore: UserStore;
  readonly authorizer: Authorizer;
  readonly chain: AuthenticatorChain;
  readonly authentication: AuthenticationService;
  readonly users: NativeUserService;
  readonly roles: RoleService;
  readonly privileges: ApplicationPrivilegeService;
  /** `POST /_security/realm/{realms}/_clear_cache`. */
  readonly realmCache: RealmCacheService;
  readonly apiKeys: ApiKeyService;
  /** Rate limits and credits of API keys (see `ApiKeyLimitEnforcer`). */
  readonly limits: ApiKeyLimitEnforcer;
  readonly tokens: TokenService;
  /** Writes the query fields of users and roles stored before they existed (background, after `start`). */
  readonly queryFieldsBackfill: QueryFieldsBackfill;
  private started = false;

  constructor(config: ResolvedConfig) {
    this.config = config;
    this.audit = new AuditTrail(config.audit);
    this.reportInternalError = config.onInternalError;
    this.storeTimeLimit = new StoreTimeLimit(config.storeTimeoutMs);
    this.models = createModels(config.connection, config.collectionPrefix, this.storeTimeLimit);
    this.journal = new EventsJournal(this.models.events);
    this.hasher = new PasswordHasher({ cost: config.passwordHashCost, workers: config.hashWorkers, maxQueue: 1000 });
    this.credentialCache = new CredentialCache(config.credentialCacheTtlMs, config.credentialCacheMaxUsers);
    this.userStore = new UserStore(this.models.users);
    const roleStore = new RoleStore(this.models.roles, roleQueryFields);
    this.queryFieldsBackfill = new QueryFieldsBackfill([this.userStore, roleStore], {
      onError: (error) => this.reportInternalError(error, { method: "START", path: "query fields backfill" }),
    });
    const privilegeStore = new ApplicationPrivilegeStore(this.models.privileges);
    this.authorizer = new Authorizer(roleStore, privilegeStore, {
      staticRoles: config.staticRoles,
      cacheTtlMs: config.roleCacheTtlMs,
      audit: this.audit,
    });
    const native = new NativeRealm(config.nativeRealmName, this.userStore, this.hasher, this.credentialCache);
    const realms: Realm[] = [native, ...config.realms];
    this.chain = new AuthenticatorChain(realms, config.anonymous);
    this.authentication = new AuthenticationService(this.chain, this.authorizer, config.runAs, this.audit);
    this.users = new NativeUserService(this.userStore, this.hasher, this.authorizer, this.journal, realmRef(native));
    // Every `_clear_cache` endpoint names this instance as the API-key one does.
    const node = (): ClusterNode => ({ clusterName: this.apiKeys.clusterName, nodeId: this.apiKeys.nodeId });
    this.roles = new RoleService(roleStore, this.authorizer, this.journal, config.staticRoles, node);
    this.privileges = new ApplicationPrivilegeService(privilegeStore, this.authorizer, this.journal, node);
    this.realmCache = new RealmCacheService(this.authorizer, this.journal, () => realms.map((realm) => realm.name), node);
    this.apiKeys = new ApiKeyService({
      models: this.models,
      passwordHasher: this.hasher,
      authorizer: this.authorizer,
      journal: this.journal,
      authentication: this.authentication,
      config: config.apiKeys,
      audit: this.audit,
      nativeRealmName: config.nativeRealmName,
    });
    if (config.apiKeys.enabled) this.chain.use(this.apiKeys.authenticator);
    this.limits = new ApiKeyLimitEnforcer({ models: this.models, audit: this.audit });
    this.tokens = new TokenService({
      models: this.models,
      authorizer: this.authorizer,
      journal: this.journal,
      authentication: this.authentication,
      config: config.tokens,
      // A token minted by an API key stops with the key (Elasticsearch keeps honouring it).
      apiKeyActive: async (id, now) => {
        const doc = await this.apiKeys.store.get(id);
        // A disabled key's tokens pause with it (at their next revalidation) and work again once it is enabled.
        return doc !== null && !doc.invalidated && doc.enabled !== false && (doc.expiration_time === null || doc.expiration_time > now);
      },
    });
    if (config.tokens.enabled) {
      this.chain.use(this.tokens.authenticator);
      this.apiKeys.registerGrantType("access_token", (grant) => "Bearer " + (grant.accessToken ?? ""));
    }

    this.journal.subscribe((event) => {
      switch (event.kind) {
        case "user.change":
          for (const username of event.keys) this.credentialCache.evict(username);
          if (event.keys.includes("*")) this.credentialCache.clear();
          break;
        case "role.change":
        case "role.clear_cache":
          this.authorizer.onRolesChanged(event.keys);
          break;
        case "privilege.change":
        case "privilege.clear_cache":
          this.authorizer.onPrivilegesChanged();
          break;
        case "realm.clear_cache":
          for (const key of event.keys) {
            const target = decodeRealmCacheTarget(key);
            if (target) clearRealmCaches(realms, target);
          }
          break;
        case "api_key.invalidate":
        case "api_key.update":
        case "api_key.clear_cache":
          this.authorizer.onApiKeysChanged(event.keys);
          break;
        default:
          break;
      }
    });
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.config.connection.asPromise();
    await ensureIndexes(this.models);
    if (this.config.bootstrapPassword !== undefined) {
      await this.userStore.createIfAbsent({
        _id: "elastic",
        password_hash: await this.hasher.hash(this.config.bootstrapPassword),
        roles: ["superuser"],
        full_name: null,
        email: null,
        metadata: { _reserved: true },
        enabled: true,
      });
    }
    this.journal.start(this.config.eventsPollIntervalMs);
    this.apiKeys.start();
    if (this.config.apiKeys.enabled) this.limits.start();
    await this.tokens.start();
    this.queryFieldsBackfill.start();
    this.started = true;
  }

  async close(): Promise<void> {
    this.journal.stop();
    await this.queryFieldsBackfill.stop();
    await this.apiKeys.close();
    // Before the caller closes the connection: unspent credits go back to their keys.
    await this.limits.close();
    await this.tokens.close();
    await this.hasher.close();
    this.started = false;
  }
}
