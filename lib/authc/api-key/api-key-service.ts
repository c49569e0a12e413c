import { hostname } from "node:os";
import { auditActor } from "../../audit/audit-actor.js";
import type { AuditTrail } from "../../audit/audit-trail.js";
import type { Authorizer } from "../../authz/authorizer.js";
import type { PermissionCheck } from "../../authz/permission.js";
import type { RoleDescriptorMap } from "../../authz/role-descriptor.js";
import { booleanParam, parseQueryApiKeysRequest, queryApiKeys, type QueryApiKeysResult } from "../../query/index.js";
import {
  ApiKeyStore,
  type ApiKeyDocWithoutHash,
  type ApiKeyNameMatch,
  type ApiKeySelector,
  type ApiKeyUpdate,
} from "../../store/api-key-store.js";
import { ApiKeyUsageStore } from "../../store/api-key-usage-store.js";
import type { EventsJournal } from "../../store/events-journal.js";
import { LeaseStore } from "../../store/lease-store.js";
import type { ApiKeyCreator, ApiKeyDoc, SecurityModels } from "../../store/models.js";
import type { PasswordHasher } from "../../support/password-hasher.js";
import { randomId } from "../../support/random-id.js";
import { retryPause } from "../../support/retry-pause.js";
import {
  authenticationError,
  illegalArgument,
  isSecurityError,
  notFoundError,
  SecurityError,
  type ElasticsearchErrorCause,
} from "../../support/security-error.js";
import type { Authentication, ApiKeyRef } from "../authentication.js";
import type { AuthenticationService } from "../authentication-service.js";
import { ensureSubjectActive } from "../ensure-subject-active.js";
import { ApiKeyAuthenticator, snapshotOf } from "./api-key-authenticator.js";
import { ApiKeyCache, type ApiKeySnapshot } from "./api-key-cache.js";
import {
  authenticationFromDoc,
  canonicalJson,
  decodeCreatorMetadata,
  decodeDescriptors,
  decodeMetadata,
  encodeDescriptors,
  encodeMetadata,
  metadataValues,
  renderApiKeyInfo,
  type ApiKeyInfo,
} from "./api-key-document.js";
import { ApiKeyHasher, type ApiKeyHashAlgorithm } from "./api-key-hash.js";
import { ApiKeyHashUpgrader } from "./api-key-hash-upgrader.js";
import { ApiKeySecretFormat } from "./api-key-secret-format.js";
import { ApiKeyRemover } from "./api-key-remover.js";
import { ApiKeyUsageRecorder } from "./api-key-usage-recorder.js";
import { flattenMetadata } from "./flatten-metadata.js";
import { importApiKeys, type ImportApiKeysOptions, type ImportApiKeysResult } from "./import-api-keys.js";
import {
  expirationTime,
  isEmptyDescriptor,
  parseBulkUpdateRequest,
  parseCreateRequest,
  parseGetRequest,
  parseGrantRequest,
  parseInvalidateRequest,
  parseUpdateRequest,
  type GetApiKeyParams,
  type ParsedCreateRequest,
  type ParsedGrantRequest,
  type ParsedKeyFields,
} from "./api-key-requests.js";
import { setOwnKey } from "../../support/set-own-key.js";
import { storeTimeLimitOf } from "../../store/store-time-limit.js";

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

/** Response of create and grant: the secret, shown this once. */
export interface CreateApiKeyResponse {
  id: string;
  name: string;
  expiration?: number;
  api_key: string;
  encoded: string;
}

export interface GetApiKeyResponse {
  api_keys: ApiKeyInfo[];
}

export interface InvalidateApiKeyResponse {
  invalidated_api_keys: string[];
  previously_invalidated_api_keys: string[];
  error_count: number;
  error_details?: ElasticsearchErrorCause[];
}

export interface BulkUpdateApiKeyResponse {
  updated: string[];
  noops: string[];
  errors?: { count: number; details: Record<string, ElasticsearchErrorCause> };
}

export interface ClearApiKeyCacheResponse {
  _nodes: { total: number; successful: number; failed: number };
  cluster_name: string;
  nodes: Record<string, { name: string }>;
}

/** `_query/api_key` parameters (booleans, or the query-string spellings `"true"`/`"false"`/`""`). */
export interface QueryApiKeyParams {
  with_limited_by?: boolean | string;
  with_profile_uid?: boolean | string;
  typed_keys?: boolean | string;
}

/** Turns validated grant credentials into an `Authorization` header value for the chain. */
export type GrantCredentialResolver = (grant: ParsedGrantRequest) => string;

const ACTION = "cluster:admin/xpack/security/api_key/";
export const API_KEY_ACTIONS = Object.freeze({
  create: ACTION + "create",
  get: ACTION + "get",
  query: ACTION + "query",
  invalidate: ACTION + "invalidate",
  update: ACTION + "update",
  bulkUpdate: ACTION + "bulk_update",
  grant: ACTION + "grant",
  clearCache: "cluster:admin/xpack/security/cache/clear",
});
/** An action only `manage_security` (and `all`) grants: the test for cross-cluster key management. */
const CROSS_CLUSTER_ACTION = "cluster:admin/xpack/security/cross_cluster/api_key/update";
const GRANT_PATH = "/_security/api_key/grant";
/** What realms see as "the request" of grant credentials: not the caller's request (its session must not count). */
const GRANT_REQUEST = Object.freeze({ method: "POST", url: GRANT_PATH, originalUrl: GRANT_PATH, headers: Object.freeze({}) });
const GENERIC_401 = "unable to authenticate with provided credentials and anonymous access is not allowed for this request";
/**
 * Tries per key while concurrent writers keep winning, within a time budget; then a 409
 * (Elasticsearch retries none). The budget keeps a pile-up of writers on one key from turning
 * into slow requests: past it, the loser's answer is the conflict.
 */
const MAX_UPDATE_ATTEMPTS = 30;
const UPDATE_RETRY_BUDGET_MS = 1000;
/** Clock skew tolerated between instances when deciding whether a key may still be cached. */
const RECENT_INVALIDATION_MARGIN_MS = 10_000;

/** The API key a subject authenticated with, when the effective subject is that key (not run-as). */
function keyOf(auth: Authentication): ApiKeyRef | undefined {
  return auth.effectiveApiKey;
}

/** Realm names that count as "the caller's" for owner filters (ApiKeyService.getOwnersRealmNames). */
function ownerRealms(auth: Authentication): string[] {
  const key = keyOf(auth);
  return [key ? key.creatorRealm.name : auth.lookupRealm.name];
}

function nameMatch(name: string | undefined): ApiKeyNameMatch | undefined {
  if (name === undefined || name === "*") return undefined;
  if (name.endsWith("*")) return { prefix: name.slice(0, -1) };
  return { exact: name };
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
  private readonly clusterName: string;
  private readonly grantTypes = new Map<string, GrantCredentialResolver>();
  private readonly unsubscribe: () => void;
  private readonly audit: AuditTrail | undefined;
  private readonly nativeRealmName: string;

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
    this.usage = deps.config.usageFlushIntervalMs > 0 ? new ApiKeyUsageRecorder(this.usageStore, { intervalMs: deps.config.usageFlushIntervalMs }) : undefined;
    this.secretFormat = new ApiKeySecretFormat(deps.config.secretPrefix);
    this.hashUpgrader = new ApiKeyHashUpgrader(this.store, this.hasher, this.cache, deps.audit, () => this.clock());
    this.authenticator = new ApiKeyAuthenticator(this.store, this.hasher, this.cache, () => this.clock(), {
      secretFormat: this.secretFormat,
      ...(this.usage ? { usage: this.usage } : {}),
      ...(deps.config.upgradeHashes ? { onVerified: (snapshot: ApiKeySnapshot, secret: string) => this.hashUpgrader.consider(snapshot, secret) } : {}),
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
    this.grantTypes.set("password", (grant) => "Basic " + Buffer.from(`${grant.username ?? ""}:${grant.password ?? ""}`, "utf8").toString("base64"));
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

  // -------------------------------------------------------------------------------------------
  // Create and grant

  /** `POST|PUT /_security/api_key`. */
  async create(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse> {
    this.ensureEnabled();
    const request = parseCreateRequest(body);
    await this.authorize(caller, API_KEY_ACTIONS.create, true);
    const created = await this.createFor(caller, request);
    this.auditCreated("api_key_create", caller, caller, created);
    return created;
  }

  /** `POST /_security/api_key/grant`: a key owned by the user whose credentials are in the body. */
  async grant(caller: Authentication, body: unknown): Promise<CreateApiKeyResponse> {
    this.ensureEnabled();
    const grant = parseGrantRequest(body);
    // Stricter than Elasticsearch on purpose: a key (or a token minted by one) never mints keys
    // for someone else, so a leaked key cannot be turned into fresh, independent credentials.
    if (caller.apiKey) throw illegalArgument("authentication via API key not supported: an API key cannot grant API keys");
    await this.authorize(caller, API_KEY_ACTIONS.grant, false);
    const owner = await this.authenticateGrant(grant);
    const created = await this.createFor(owner, grant.apiKey);
    this.auditCreated("api_key_grant", caller, owner, created);
    return created;
  }

  private auditCreated(type: "api_key_create" | "api_key_grant", caller: Authentication, owner: Authentication, created: CreateApiKeyResponse): void {
    this.audit?.emit(() => {
      const { principal, realm } = creatorOf(owner);
      return { type, timestamp: new Date().toISOString(), caller: auditActor(caller), owner: { username: principal, realm }, ids: [created.id], name: created.name };
    });
  }

  private async authenticateGrant(grant: ParsedGrantRequest): Promise<Authentication> {
    const resolver = this.grantTypes.get(grant.grantType);
    if (!resolver) throw illegalArgument(`the grant type [${grant.grantType}] is not supported`);
    if (grant.grantType === "access_token" && grant.clientAuthentication) {
      // Only JWTs take client authentication, and this library has no JWT realm.
      throw illegalArgument("[client_authentication] not supported with the supplied access_token type");
    }
    let subject: Authentication;
    try {
      const subjects = await this.authentication.authenticate(
        { authorization: resolver(grant), ...(grant.runAs !== undefined ? { runAs: grant.runAs } : {}) },
        { uri: GRANT_PATH, request: GRANT_REQUEST },
      );
      if (!subjects) throw authenticationError(GENERIC_401);
      subject = subjects.authentication;
    } catch (error) {
      if (grant.grantType === "password" && isSecurityError(error) && error.status === 401 && error.reason.startsWith("unable to authenticate user [")) {
        throw authenticationError(`unable to authenticate user [${grant.username ?? ""}] for action [${API_KEY_ACTIONS.grant}]`);
      }
      throw error;
    }
    // TransportGrantAction: a run-as that did not happen (run-as disabled, credentials that cannot
    // run as) or that targets someone else is refused.
    if (grant.runAs !== undefined && (!subject.isRunAs || subject.user.username !== grant.runAs)) {
      throw new SecurityError(400, "status_exception", "the provided grant credentials do not support run-as");
    }
    return subject;
  }

  private async createFor(owner: Authentication, request: ParsedCreateRequest): Promise<CreateApiKeyResponse> {
    const key = keyOf(owner);
    const assigned = request.roleDescriptors ?? {};
    if (key) {
      const descriptors = Object.values(assigned);
      if (descriptors.length === 0 || !descriptors.every(isEmptyDescriptor)) {
        throw illegalArgument("creating derived api keys requires an explicit role descriptor that is empty (has no privileges)");
      }
    }
    // A key may never expire: the owner must exist and be enabled now, not merely when the token
    // (or key) this request authenticated with was made.
    await ensureSubjectActive(owner, this.authentication.chain);
    const limitedBy = await this.limitedBySnapshot(owner);
    const now = this.clock();
    const id = randomId();
    const secret = this.secretFormat.generate();
    const hash = await this.hasher.hash(secret);
    const metadata = request.metadata ?? {};
    const doc: ApiKeyDoc = {
      _id: id,
      doc_type: "api_key",
      type: "rest",
      name: request.name,
      creation_time: now,
      expiration_time: expirationTime(now, request.expirationMs),
      invalidated: false,
      invalidation_time: null,
      hash,
      role_descriptors: encodeDescriptors(assigned),
      limited_by_role_descriptors: encodeDescriptors(limitedBy),
      metadata: encodeMetadata(metadata),
      metadata_flattened: flattenMetadata(metadata),
      metadata_values: metadataValues(metadata),
      creator: creatorOf(owner),
      version: 1,
    };
    const epoch = this.cache.epoch;
    await this.store.insert(doc);
    // Pre-warm the auth cache on this instance, as Elasticsearch does on the creating node.
    this.cache.put(snapshotOf(doc), secret, epoch, now);
    const response: CreateApiKeyResponse = { id, name: request.name } as CreateApiKeyResponse;
    if (doc.expiration_time !== null) response.expiration = doc.expiration_time;
    response.api_key = secret;
    response.encoded = Buffer.from(`${id}:${secret}`, "utf8").toString("base64");
    return response;
  }

  /**
   * The owner's role descriptors now (`description` stripped); `{}` for an API key (it has no
   * roles), as Elasticsearch's `ApiKeyUserRoleDescriptorResolver`.
   */
  private async limitedBySnapshot(owner: Authentication): Promise<RoleDescriptorMap> {
    if (keyOf(owner)) return {};
    const resolved = await this.authorizer.resolveRoles(owner.user.roles);
    const out: RoleDescriptorMap = {};
    for (const { name, descriptor } of resolved) {
      const { description: _description, ...rest } = descriptor;
      // A native role may be called `__proto__`: it must stay a key of the snapshot.
      setOwnKey(out, name, structuredClone(rest));
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------
  // Get and query

  /** `GET /_security/api_key`. */
  async get(caller: Authentication, params?: GetApiKeyParams): Promise<GetApiKeyResponse> {
    this.ensureEnabled();
    const request = parseGetRequest(params);
    const key = keyOf(caller);
    const own = (() => {
      if (key) return !request.withLimitedBy && request.id === key.id;
      if (request.owner) return true;
      return request.username !== undefined && request.realmName !== undefined && this.isCaller(caller, request.username, request.realmName);
    })();
    await this.authorize(caller, API_KEY_ACTIONS.get, own);
    const selector: ApiKeySelector = {};
    selectOwner(selector, caller, request);
    if (request.id !== undefined) selector.ids = [request.id];
    const name = nameMatch(request.name);
    if (name) selector.name = name;
    if (request.activeOnly) {
      selector.excludeInvalidated = true;
      selector.excludeExpiredAt = this.clock();
    }
    const docs = await this.store.find(selector);
    const usage = await this.usageStore.valuesFor(docs.map((doc) => doc._id));
    return { api_keys: docs.map((doc) => renderApiKeyInfo({ ...doc, ...usage.get(doc._id) }, { withLimitedBy: request.withLimitedBy })) };
  }

  /**
   * `GET|POST /_security/_query/api_key`. `manage_own_api_key` callers see only their own keys
   * (an API key only itself); `read_security` and above see all.
   */
  async query(caller: Authentication, body: unknown, params: QueryApiKeyParams = {}): Promise<QueryApiKeysResult<ApiKeyInfo>> {
    this.ensureEnabled();
    const now = this.clock();
    const key = keyOf(caller);
    // The privilege check comes before the body is read: parsing a query costs CPU, and a caller
    // who may not query keys must not get to spend it. Only the URL flag it depends on is read first.
    // An API key needs manage_api_key or higher to see limited-by descriptors.
    const withLimitedBy = booleanParam(params.with_limited_by);
    const { full } = await this.authorize(caller, API_KEY_ACTIONS.query, !(key && withLimitedBy));
    const request = parseQueryApiKeysRequest(body ?? undefined, params, now);
    let scopeFilter: Record<string, unknown> = {};
    if (!full) {
      scopeFilter = key
        ? ApiKeyStore.filterOf({ ids: [key.id] })
        : ApiKeyStore.filterOf({ username: caller.user.username, realms: ownerRealms(caller) });
    }
    // The query engine talks to the driver directly: it gets the store's time limit explicitly.
    const limit = storeTimeLimitOf(this.store.model);
    return limit.run(
      queryApiKeys(this.store.model.collection, request, {
        scopeFilter,
        now,
        joined: this.usageStore,
        render: (doc, options) => renderApiKeyInfo(doc as unknown as ApiKeyDocWithoutHash, options),
        ...limit.options,
      }),
    );
  }

  // -------------------------------------------------------------------------------------------
  // Update

  /** `PUT /_security/api_key/{id}`: owner only, never via an API key. */
  async update(caller: Authentication, id: string, body?: unknown): Promise<{ updated: boolean }> {
    this.ensureEnabled();
    const fields = parseUpdateRequest(body);
    await this.authorize(caller, API_KEY_ACTIONS.update, true);
    this.ensureNotApiKey(caller);
    const result = await this.updateKeys(caller, [id], fields);
    if (result.updated.includes(id)) return { updated: true };
    if (result.noops.includes(id)) return { updated: false };
    throw result.errors.get(id) ?? notFoundError(`no API key owned by requesting user found for ID [${id}]`);
  }

  /** `POST /_security/api_key/_bulk_update`. */
  async bulkUpdate(caller: Authentication, body: unknown): Promise<BulkUpdateApiKeyResponse> {
    this.ensureEnabled();
    const request = parseBulkUpdateRequest(body);
    await this.authorize(caller, API_KEY_ACTIONS.bulkUpdate, true);
    this.ensureNotApiKey(caller);
    const result = await this.updateKeys(caller, request.ids, request);
    const response: BulkUpdateApiKeyResponse = { updated: result.updated, noops: result.noops };
    if (result.errors.size > 0) {
      const details: Record<string, ElasticsearchErrorCause> = {};
      // Ids come from the request as given: `__proto__` must stay a key too.
      for (const [id, error] of result.errors) setOwnKey(details, id, error.toCause());
      response.errors = { count: result.errors.size, details };
    }
    return response;
  }

  private ensureNotApiKey(caller: Authentication): void {
    if (caller.apiKey) throw illegalArgument("authentication via API key not supported: only the owner user can update an API key");
  }

  private async updateKeys(
    caller: Authentication,
    ids: readonly string[],
    fields: ParsedKeyFields,
  ): Promise<{ updated: string[]; noops: string[]; errors: Map<string, SecurityError> }> {
    const updated: string[] = [];
    const noops: string[] = [];
    const errors = new Map<string, SecurityError>();
    const username = caller.user.username;
    const realms = ownerRealms(caller);
    const owned = (doc: ApiKeyDocWithoutHash | null): doc is ApiKeyDocWithoutHash =>
      doc !== null && doc.creator.principal === username && realms.includes(doc.creator.realm);

    // An update re-captures the owner and may push the expiration out: as much a mint as create.
    await ensureSubjectActive(caller, this.authentication.chain);
    const limitedBy = await this.limitedBySnapshot(caller);
    const creator = creatorOf(caller);
    const docs = new Map((await this.store.find({ ids, username, realms })).map((doc) => [doc._id, doc]));
    const now = this.clock();

    for (const id of ids) {
      let doc: ApiKeyDocWithoutHash | null = docs.get(id) ?? null;
      let done = false;
      const giveUpAt = Date.now() + UPDATE_RETRY_BUDGET_MS;
      let triedVersion: number | undefined;
      for (let attempt = 0; attempt < MAX_UPDATE_ATTEMPTS && !done; attempt++) {
        if (attempt > 0) {
          if (Date.now() >= giveUpAt) break;
          await retryPause(attempt);
          doc = await this.store.getWithoutHash(id);
          // Still the version we lost on: its winner is mid-write. Wait for it, reading only
          // (another claim attempt would be one more write on a contended document).
          if (doc !== null && doc.version === triedVersion) continue;
        }
        if (!owned(doc)) {
          errors.set(id, notFoundError(`no API key owned by requesting user found for ID [${id}]`));
          done = true;
          break;
        }
        const problem = updateProblem(doc, now);
        if (problem) {
          errors.set(id, illegalArgument(problem));
          done = true;
          break;
        }
        const change: ApiKeyUpdate = { creator, limited_by_role_descriptors: encodeDescriptors(limitedBy) };
        if (fields.roleDescriptors !== undefined) change.role_descriptors = encodeDescriptors(fields.roleDescriptors);
        if (fields.metadata !== undefined) {
          change.metadata = encodeMetadata(fields.metadata);
          change.metadata_flattened = flattenMetadata(fields.metadata);
          change.metadata_values = metadataValues(fields.metadata);
        }
        if (fields.expirationMs !== undefined) change.expiration_time = expirationTime(now, fields.expirationMs);
        if (isNoop(doc, fields, creator, limitedBy)) {
          noops.push(id);
          done = true;
        } else {
          triedVersion = doc.version;
          if (await this.store.compareAndSet(id, doc.version, change)) {
            updated.push(id);
            done = true;
          }
        }
      }
      if (!done) errors.set(id, new SecurityError(409, "version_conflict_engine_exception", `[${id}]: version conflict, the API key was changed concurrently`));
    }
    if (updated.length > 0) await this.journal.append({ kind: "api_key.update", keys: updated });
    this.audit?.emit(() => ({
      type: "api_key_update",
      timestamp: new Date().toISOString(),
      caller: auditActor(caller),
      owner: { username, realm: realms[0] ?? caller.lookupRealm.name },
      ids: [...updated],
      unchanged_ids: [...noops],
      ...(errors.size > 0 ? { errors: [...errors].map(([id, error]) => ({ id, reason: error.reason })) } : {}),
    }));
    return { updated, noops, errors };
  }

  // -------------------------------------------------------------------------------------------
  // Invalidate and clear cache

  /** `DELETE /_security/api_key`. */
  async invalidate(caller: Authentication, body: unknown): Promise<InvalidateApiKeyResponse> {
    this.ensureEnabled();
    const request = parseInvalidateRequest(body);
    const key = keyOf(caller);
    const own = (() => {
      if (key) return request.ids !== undefined && request.ids.every((id) => id === key.id);
      if (request.owner) return true;
      return request.username !== undefined && request.realmName !== undefined && this.isCaller(caller, request.username, request.realmName);
    })();
    const { permission } = await this.authorize(caller, API_KEY_ACTIONS.invalidate, own);

    // Besides the keys to invalidate, read those invalidated so recently that some instance may
    // still serve them from its cache: a call interrupted after its writes (crash, timeout) never
    // journaled them, and repeating it must finish that job too. Older ones are never cached.
    const now = this.clock();
    const selector: ApiKeySelector = { excludeInvalidatedBefore: now - this.recentlyInvalidatedWindowMs() };
    selectOwner(selector, caller, request);
    if (request.ids !== undefined) selector.ids = request.ids;
    const name = nameMatch(request.name);
    if (name) selector.name = name;

    const found = await this.store.findIds(selector);
    const errors: SecurityError[] = [];
    const canManageCrossCluster = permission.grantsClusterAction(CROSS_CLUSTER_ACTION);
    const targets: Array<{ id: string; version: number }> = [];
    const recentlyInvalidated: string[] = [];
    for (const doc of found) {
      if (doc.invalidated) {
        recentlyInvalidated.push(doc._id);
      } else if (doc.type === "cross_cluster" && !canManageCrossCluster) {
        errors.push(illegalArgument(`Cannot invalidate cross-cluster API key [${doc._id}]. This requires [manage_security] cluster privilege or higher`));
      } else {
        targets.push({ id: doc._id, version: doc.version });
      }
    }
    const result = targets.length > 0 ? await this.store.invalidate(targets, now) : { invalidated: [], previously: [] };
    const evict = [...new Set([...result.invalidated, ...result.previously, ...recentlyInvalidated])];
    if (evict.length > 0) await this.journal.append({ kind: "api_key.invalidate", keys: evict });
    if (result.invalidated.length > 0) void this.remover.trigger();
    const response: InvalidateApiKeyResponse = {
      invalidated_api_keys: result.invalidated,
      previously_invalidated_api_keys: result.previously,
      error_count: errors.length,
    };
    if (errors.length > 0) response.error_details = errors.map((e) => e.toCause());
    this.audit?.emit(() => ({
      type: "api_key_invalidate",
      timestamp: new Date().toISOString(),
      caller: auditActor(caller),
      ids: [...result.invalidated],
      unchanged_ids: [...result.previously],
      ...(errors.length > 0 ? { errors: errors.map((error) => ({ reason: error.reason })) } : {}),
    }));
    return response;
  }

  /**
   * `POST /_security/api_key/{ids}/_clear_cache`: evicts the keys (all with `undefined` or `*`)
   * here at once and on every other instance at its next journal poll.
   */
  async clearCache(caller: Authentication, ids?: readonly string[]): Promise<ClearApiKeyCacheResponse> {
    await this.authorize(caller, API_KEY_ACTIONS.clearCache, false);
    const keys = ids && ids.length > 0 && !ids.includes("*") && !ids.includes("_all") ? [...ids] : ["*"];
    await this.journal.append({ kind: "api_key.clear_cache", keys });
    return {
      _nodes: { total: 1, successful: 1, failed: 0 },
      cluster_name: this.clusterName,
      nodes: { [this.nodeId]: { name: hostname() } },
    };
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
    if (doc.type !== "rest") throw authenticationError(`authentication expected API key type of [rest], but API key [${id}] has type [${doc.type}]`);
    if (doc.expiration_time !== null && doc.expiration_time <= this.clock()) throw fail("api key is expired");
    return authenticationFromDoc(doc);
  }

  // -------------------------------------------------------------------------------------------

  private ensureEnabled(): void {
    if (!this.config.enabled) {
      throw new SecurityError(400, "feature_not_enabled_exception", "api keys are not enabled", { metadata: { "disabled.feature": "api_keys" } });
    }
  }

  /**
   * How long after its invalidation a key may still sit in some instance's cache: the document
   * freshness (`docCacheTtl`), plus a margin for clocks of different instances; 0 without caches.
   */
  private recentlyInvalidatedWindowMs(): number {
    if (this.config.cacheTtlMs <= 0) return 0;
    return this.config.docCacheTtlMs + RECENT_INVALIDATION_MARGIN_MS;
  }

  /** Whether `username`+`realmName` name the effective subject of `caller`. */
  private isCaller(caller: Authentication, username: string, realmName: string): boolean {
    return username === caller.user.username && realmName === caller.lookupRealm.name;
  }

  /**
   * Allows `action` when an unconditional privilege grants it (`full`), or when `own` (the request
   * is self-scoped) and `manage_own_api_key` does. Otherwise Elasticsearch's 403.
   */
  private async authorize(caller: Authentication, action: string, own: boolean): Promise<{ permission: PermissionCheck; full: boolean }> {
    const permission = await this.authorizer.permissionFor(caller);
    if (permission.grantsClusterAction(action)) return { permission, full: true };
    if (own && permission.grantsClusterAction(action, { ownApiKeyRequest: true })) return { permission, full: false };
    throw this.authorizer.denied(caller, action);
  }
}

/** The effective subject's identity, recorded as the key's creator/owner. */
export function creatorOf(auth: Authentication): ApiKeyCreator {
  return {
    principal: auth.user.username,
    full_name: auth.user.full_name ?? null,
    email: auth.user.email ?? null,
    metadata: JSON.stringify(auth.user.metadata ?? {}),
    realm: auth.lookupRealm.name,
    realm_type: auth.lookupRealm.type,
  };
}

/** Elasticsearch's `validateForUpdate` messages, or `undefined` when the key may be updated. */
function updateProblem(doc: ApiKeyDocWithoutHash, now: number): string | undefined {
  if (doc.invalidated) return `cannot update invalidated API key [${doc._id}]`;
  if (doc.expiration_time !== null && doc.expiration_time !== undefined && now > doc.expiration_time) return `cannot update expired API key [${doc._id}]`;
  if (!doc.name) return `cannot update legacy API key [${doc._id}] without name`;
  const type = doc.type ?? "rest";
  if (type !== "rest") return `cannot update API key of type [${type}] while expected type is [rest]`;
  return undefined;
}

/** Elasticsearch's `isNoop`: nothing the update would write differs from what is stored. */
function isNoop(doc: ApiKeyDocWithoutHash, fields: ParsedKeyFields, creator: ApiKeyCreator, limitedBy: RoleDescriptorMap): boolean {
  if (fields.expirationMs !== undefined) return false;
  const stored = doc.creator;
  if (
    stored.principal !== creator.principal ||
    (stored.full_name ?? null) !== creator.full_name ||
    (stored.email ?? null) !== creator.email ||
    stored.realm !== creator.realm ||
    stored.realm_type !== creator.realm_type ||
    canonicalJson(decodeCreatorMetadata(stored.metadata)) !== canonicalJson(decodeCreatorMetadata(creator.metadata))
  ) {
    return false;
  }
  if (fields.metadata !== undefined && canonicalJson(decodeMetadata(doc.metadata)) !== canonicalJson(fields.metadata)) return false;
  if (fields.roleDescriptors !== undefined && canonicalJson(decodeDescriptors(doc.role_descriptors)) !== canonicalJson(fields.roleDescriptors)) {
    return false;
  }
  return canonicalJson(decodeDescriptors(doc.limited_by_role_descriptors)) === canonicalJson(limitedBy);
}

/** The ownership part of a get/invalidate selector: the caller's own keys, or a named owner. */
function selectOwner(selector: ApiKeySelector, caller: Authentication, request: { owner: boolean; username?: string | undefined; realmName?: string | undefined }): void {
  if (request.owner) {
    selector.username = caller.user.username;
    selector.realms = ownerRealms(caller);
    return;
  }
  if (request.username !== undefined) selector.username = request.username;
  if (request.realmName !== undefined) selector.realms = [request.realmName];
}
