import { ApiKeyAuthenticator } from "../../authc/api-key/api-key-authenticator.js";
import { ApiKeyCache, type ApiKeySnapshot } from "../../authc/api-key/api-key-cache.js";
import { authenticationFromDoc, type ApiKeyInfo } from "../../authc/api-key/api-key-document.js";
import { ApiKeyHasher } from "../../authc/api-key/api-key-hash.js";
import { ApiKeyHashUpgrader } from "../../authc/api-key/api-key-hash-upgrader.js";
import { ApiKeyRemover } from "../../authc/api-key/api-key-remover.js";
import { ApiKeySecretFormat } from "../../authc/api-key/api-key-secret-format.js";
import { ApiKeyUsageRecorder } from "../../authc/api-key/api-key-usage-recorder.js";
import type { AuditTrail } from "../../audit/audit-trail.js";
import type { AuthenticationService } from "../../authc/authentication-service.js";
import type { Authorizer } from "../../authz/authorizer.js";
import type { ResolvedApiKeyConfig } from "../../model/api-key-options.js";
import type { Authentication } from "../../model/authentication.js";
import type { QueryApiKeysResult } from "../../query/index.js";
import { ApiKeyCreditStore } from "../../store/api-key-credit-store.js";
import { ApiKeyRateWindowStore } from "../../store/api-key-rate-window-store.js";
import { ApiKeyStore } from "../../store/api-key-store.js";
import { ApiKeyUsageStore } from "../../store/api-key-usage-store.js";
import type { EventsJournal } from "../../store/events-journal.js";
import { LeaseStore } from "../../store/lease-store.js";
import type { SecurityModels } from "../../store/models.js";
import type { PasswordHasher } from "../../support/password-hasher.js";
import { randomId } from "../../support/random-id.js";
import { authenticationError, illegalArgument, SecurityError } from "../../support/security-error.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import { parseCreateRequest, parseGrantRequest, type GetApiKeyParams } from "./api-key-requests.js";
import type {
  ApiKeyCreditsResponse,
  BulkUpdateApiKeyResponse,
  ClearApiKeyCacheResponse,
  CreateApiKeyResponse,
  GetApiKeyResponse,
  InvalidateApiKeyResponse,
  SetApiKeyEnabledResponse,
  SetApiKeyLimitsResponse,
} from "./api-key-responses.js";
import { authorizeApiKeyAction } from "./authorize-api-key-action.js";
import { auditCreated, authenticateGrant, createApiKeyFor, GENERIC_401, type GrantCredentialResolver } from "./create-api-key.js";
import { getApiKeys, queryApiKeysAs, type QueryApiKeyParams } from "./get-api-keys.js";
import { importApiKeys } from "./import-api-keys.js";
import type { ImportApiKeysOptions, ImportApiKeysResult } from "./import-api-keys-options.js";
import { clearApiKeyCache, invalidateApiKeys } from "./invalidate-api-keys.js";
import { bulkUpdateApiKeys, updateApiKey } from "./update-api-keys.js";
import { changeApiKeyCredits } from "./change-api-key-credits.js";
import { setApiKeyEnabled } from "./set-api-key-enabled.js";
import { setApiKeyLimits } from "./set-api-key-limits.js";

export interface ApiKeyServiceDeps {
  models: SecurityModels;
  passwordHasher: PasswordHasher;
  authorizer: Authorizer;
  journal: EventsJournal;
  /** Authenticates grant credentials (with run-as). */
  authentication: AuthenticationService;
  config: ResolvedApiKeyConfig;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Shown as `cluster_name` in clear-cache responses. Default `"express-keyguard"`. */
  clusterName?: string;
  /** Receives `api_key_create`, `api_key_grant`, `api_key_update` and `api_key_invalidate` events. */
  audit?: AuditTrail;
  /** Owners' realm when an import row names none. Default `"native"`. */
  nativeRealmName?: string;
}

/**
 * The API-key subsystem: Elasticsearch's `/_security/api_key` semantics as a framework-free,
 * typed API. Every method takes the caller's {@link Authentication} and enforces the privilege
 * rules (`manage_own_api_key` self-scoped, `read_security` reads all, `manage_api_key` manages
 * all, `grant_api_key` grants, API keys never update); the router is a thin skin over it.
 */
export class ApiKeyService {
  readonly store: ApiKeyStore;
  readonly cache: ApiKeyCache;
  readonly hasher: ApiKeyHasher;
  readonly authenticator: ApiKeyAuthenticator;
  readonly remover: ApiKeyRemover;
  /** Stored usage (`last_used`, `use_count`), apart from the key documents. */
  readonly usageStore: ApiKeyUsageStore;
  /** This instance's in-memory usage counts; `undefined` when `usageFlushInterval` is off. */
  readonly usage: ApiKeyUsageRecorder | undefined;
  /** Secrets of new keys: prefix, random part, checksum. */
  readonly secretFormat: ApiKeySecretFormat;
  /** Rewrites old-format hashes after a successful authentication. */
  readonly hashUpgrader: ApiKeyHashUpgrader;
  /** This instance's id in clear-cache responses. */
  readonly nodeId = randomId();
  private readonly authorizer: Authorizer;
  private readonly journal: EventsJournal;
  private readonly authentication: AuthenticationService;
  private readonly config: ResolvedApiKeyConfig;
  private readonly clock: () => number;
  /** Shown as `cluster_name` by the `_clear_cache` endpoints. */
  readonly clusterName: string;
  private readonly grantTypes = new Map<string, GrantCredentialResolver>();
  private readonly unsubscribe: () => void;
  private readonly audit: AuditTrail | undefined;
  private readonly nativeRealmName: string;
  /** What the operations in this folder work with. */
  private readonly ctx: ApiKeyActionContext;

  constructor(deps: ApiKeyServiceDeps) {
    this.config = deps.config;
    this.nativeRealmName = deps.nativeRealmName ?? "native";
    this.audit = deps.audit;
    this.authorizer = deps.authorizer;
    this.journal = deps.journal;
    this.authentication = deps.authentication;
    this.clock = deps.clock ?? Date.now;
    this.clusterName = deps.clusterName ?? "express-keyguard";
    const leases = new LeaseStore(deps.models.leases);
    this.store = new ApiKeyStore(deps.models.apiKeys, leases);
    this.hasher = new ApiKeyHasher(deps.config.hashAlgorithm, deps.passwordHasher);
    this.cache = new ApiKeyCache({
      ttlMs: deps.config.cacheTtlMs,
      maxKeys: deps.config.cacheMaxKeys,
      docTtlMs: deps.config.cacheTtlMs > 0 ? deps.config.docCacheTtlMs : 0,
    });
    this.usageStore = new ApiKeyUsageStore(deps.models.apiKeyUsage, leases);
    this.usage =
      deps.config.usageFlushIntervalMs > 0
        ? new ApiKeyUsageRecorder(this.usageStore, { intervalMs: deps.config.usageFlushIntervalMs })
        : undefined;
    this.secretFormat = new ApiKeySecretFormat(deps.config.secretPrefix);
    this.hashUpgrader = new ApiKeyHashUpgrader(this.store, this.hasher, this.cache, deps.audit, () => this.clock());
    this.authenticator = new ApiKeyAuthenticator(this.store, this.hasher, this.cache, () => this.clock(), {
      secretFormat: this.secretFormat,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(deps.config.upgradeHashes
        ? { onVerified: (snapshot: ApiKeySnapshot, secret: string) => this.hashUpgrader.consider(snapshot, secret) }
        : {}),
    });
    this.remover = new ApiKeyRemover(this.store, leases, {
      retentionMs: deps.config.retentionMs,
      intervalMs: deps.config.removerIntervalMs,
      clock: () => this.clock(),
      onRemoved: (ids) => {
        ids.forEach((id) => this.cache.evict(id));
        // A leftover usage row would be harmless (usage is only ever joined to existing keys),
        // but would pile up: drop it with its key.
        void this.usageStore.remove(ids).catch(() => undefined);
      },
    });
    this.ctx = {
      store: this.store,
      usageStore: this.usageStore,
      credits: new ApiKeyCreditStore(deps.models.apiKeys, deps.models.apiKeyCreditLeases, leases, randomId()),
      rateWindows: new ApiKeyRateWindowStore(deps.models.apiKeyRateWindows),
      cache: this.cache,
      hasher: this.hasher,
      secretFormat: this.secretFormat,
      remover: this.remover,
      authorizer: this.authorizer,
      journal: this.journal,
      authentication: this.authentication,
      audit: this.audit,
      config: this.config,
      clock: () => this.clock(),
    };
    this.grantTypes.set(
      "password",
      (grant) => "Basic " + Buffer.from(`${grant.username ?? ""}:${grant.password ?? ""}`, "utf8").toString("base64"),
    );
    this.unsubscribe = this.journal.subscribe((event) => {
      if (event.kind !== "api_key.invalidate" && event.kind !== "api_key.clear_cache" && event.kind !== "api_key.update") return;
      if (event.keys.includes("*")) {
        this.cache.clear();
        return;
      }
      for (const id of event.keys) {
        if (event.kind === "api_key.update") this.cache.markStale(id);
        else this.cache.evict(id);
      }
    });
  }

  /** Starts the remover (called by `security.start()`). */
  start(): void {
    if (this.config.enabled) this.remover.start();
    if (this.config.enabled) this.usage?.start();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await Promise.all([this.remover.stop(), this.hashUpgrader.close(), this.usage?.stop()]);
  }

  /**
   * Writes this instance's pending usage now (it is otherwise written every
   * `usageFlushInterval`, and on {@link close}). Never rejects; what could not be written stays
   * pending (`usage.lastError` says why).
   */
  async flushUsage(): Promise<void> {
    await this.usage?.flush();
  }

  /**
   * Lets another credential service take part in grants, e.g. the token service registering
   * `access_token` (`grant => "Bearer " + grant.accessToken`).
   */
  registerGrantType(grantType: "access_token" | "password", resolver: GrantCredentialResolver): void {
    this.grantTypes.set(grantType, resolver);
  }

  /** `POST|PUT /_security/api_key`. */
  async create(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse> {
    this.ensureEnabled();
    const request = parseCreateRequest(body);
    await authorizeApiKeyAction(this.authorizer, caller, API_KEY_ACTIONS.create, true);
    const created = await createApiKeyFor(this.ctx, caller, request);
    auditCreated(this.ctx, "api_key_create", caller, caller, created);
    return created;
  }

  /** `POST /_security/api_key/grant`: a key owned by the user whose credentials are in the body. */
  async grant(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse> {
    this.ensureEnabled();
    const grant = parseGrantRequest(body);
    // Stricter than Elasticsearch on purpose: a key (or a token minted by one) never mints keys
    // for someone else, so a leaked key cannot be turned into fresh, independent credentials.
    if (caller.apiKey) throw illegalArgument("authentication via API key not supported: an API key cannot grant API keys");
    await authorizeApiKeyAction(this.authorizer, caller, API_KEY_ACTIONS.grant, false);
    const owner = await authenticateGrant(this.ctx, this.grantTypes, grant);
    const created = await createApiKeyFor(this.ctx, owner, grant.apiKey);
    auditCreated(this.ctx, "api_key_grant", caller, owner, created);
    return created;
  }

  /** `GET /_security/api_key`. */
  async get(caller: Authentication, params?: GetApiKeyParams): Promise<GetApiKeyResponse> {
    this.ensureEnabled();
    return getApiKeys(this.ctx, caller, params);
  }

  /**
   * `GET|POST /_security/_query/api_key`. `manage_own_api_key` callers see only their own keys
   * (an API key only itself); `read_security` and above see all.
   */
  async query(caller: Authentication, body: unknown, params: QueryApiKeyParams = {}): Promise<QueryApiKeysResult<ApiKeyInfo>> {
    this.ensureEnabled();
    return queryApiKeysAs(this.ctx, caller, body, params);
  }

  /** `PUT /_security/api_key/{id}`: owner only, never via an API key. */
  async update(caller: Authentication, id: string, body?: unknown): Promise<{ updated: boolean }> {
    this.ensureEnabled();
    return updateApiKey(this.ctx, caller, id, body);
  }

  /** `POST /_security/api_key/_bulk_update`. */
  async bulkUpdate(caller: Authentication, body: unknown): Promise<BulkUpdateApiKeyResponse> {
    this.ensureEnabled();
    return bulkUpdateApiKeys(this.ctx, caller, body);
  }

  /** `DELETE /_security/api_key`. */
  async invalidate(caller: Authentication, body: unknown): Promise<InvalidateApiKeyResponse> {
    this.ensureEnabled();
    return invalidateApiKeys(this.ctx, caller, body);
  }

  /**
   * `POST /_security/api_key/{ids}/_clear_cache`: evicts the keys (all with `undefined` or `*`)
   * here at once and on every other instance at its next journal poll.
   */
  async clearCache(caller: Authentication, ids?: readonly string[]): Promise<ClearApiKeyCacheResponse> {
    return clearApiKeyCache(this.ctx, caller, ids, { clusterName: this.clusterName, nodeId: this.nodeId });
  }

  // -------------------------------------------------------------------------------------------
  // Limits, credits, disable / enable (extensions: see docs/api-key-limits.md)

  /** `PUT /_security/api_key/{id}/_limits`: replaces the key's limits (`manage_api_key`). */
  async setLimits(caller: Authentication, id: string, limits: unknown): Promise<SetApiKeyLimitsResponse> {
    this.ensureEnabled();
    return setApiKeyLimits(this.ctx, caller, id, limits);
  }

  /** `POST /_security/api_key/{id}/_credits` with `{remaining}`: sets the whole balance. */
  async setCredits(caller: Authentication, id: string, remaining: number): Promise<ApiKeyCreditsResponse> {
    return this.changeCredits(caller, id, { remaining });
  }

  /** `POST /_security/api_key/{id}/_credits` with `{add}`: tops the balance up. */
  async addCredits(caller: Authentication, id: string, amount: number): Promise<ApiKeyCreditsResponse> {
    return this.changeCredits(caller, id, { add: amount });
  }

  /** `POST /_security/api_key/{id}/_credits`, the body as given. */
  async changeCredits(caller: Authentication, id: string, body: unknown): Promise<ApiKeyCreditsResponse> {
    this.ensureEnabled();
    return changeApiKeyCredits(this.ctx, caller, id, body);
  }

  /** `POST /_security/api_key/{id}/_disable`. */
  async disable(caller: Authentication, id: string): Promise<SetApiKeyEnabledResponse> {
    this.ensureEnabled();
    return setApiKeyEnabled(this.ctx, caller, id, false);
  }

  /** `POST /_security/api_key/{id}/_enable`. */
  async enable(caller: Authentication, id: string): Promise<SetApiKeyEnabledResponse> {
    this.ensureEnabled();
    return setApiKeyEnabled(this.ctx, caller, id, true);
  }

  // -------------------------------------------------------------------------------------------
  // Import

  /**
   * Brings existing keys (plaintext secrets or Elasticsearch-format hashes, with owners and
   * descriptors) into the store: `rows` is an array of rows or the text of a JSON-array / NDJSON
   * file. All-or-nothing validation, idempotent, resumable; see {@link importApiKeys}.
   */
  import(rows: readonly unknown[] | string, options?: ImportApiKeysOptions): Promise<ImportApiKeysResult> {
    this.ensureEnabled();
    return importApiKeys(
      {
        store: this.store,
        hasher: this.hasher,
        resolveRoles: (names) => this.authorizer.resolveRoles(names),
        rowContext: {
          defaultRealm: { name: this.nativeRealmName, type: "native" },
          realmTypeOf: (name) => this.authentication.chain.findRealm(name)?.type,
          refusesSecret: (secret) => this.secretFormat.refuses(secret),
        },
        clock: () => this.clock(),
      },
      rows,
      options,
    );
  }

  // -------------------------------------------------------------------------------------------
  // Background work

  /**
   * Re-validates a key by id (no secret), for work that runs later as a key's owner: 401 unless
   * the key exists, is a REST key, and is neither invalidated nor expired.
   */
  async authenticationForKey(id: string): Promise<Authentication> {
    this.ensureEnabled();
    const doc = await this.store.getWithoutHash(id);
    const fail = (message: string) => authenticationError(GENERIC_401, { additional_unsuccessful_credentials: `API key: ${message}` });
    if (!doc) throw fail(`unable to find apikey with id ${id}`);
    if (doc.invalidated) throw fail(`api key [${id}] has been invalidated`);
    if (doc.type !== "rest")
      throw authenticationError(`authentication expected API key type of [rest], but API key [${id}] has type [${doc.type}]`);
    if (doc.expiration_time !== null && doc.expiration_time <= this.clock()) throw fail("api key is expired");
    if (doc.enabled === false) throw fail(`api key [${id}] is disabled`);
    return authenticationFromDoc(doc);
  }

  // -------------------------------------------------------------------------------------------

  private ensureEnabled(): void {
    if (!this.config.enabled) {
      throw new SecurityError(400, "feature_not_enabled_exception", "api keys are not enabled", {
        metadata: { "disabled.feature": "api_keys" },
      });
    }
  }
}
