import type { ApiKeyDoc } from "../../store/store-documents.js";
import { authenticationError } from "../../support/security-error.js";
import type { AuthenticatorResult, AuthRequestInfo, CredentialAuthenticator } from "../authenticator-chain.js";
import type { Authentication } from "../../model/authentication.js";
import type { Credentials } from "../parse-authorization.js";
import type { ApiKeyCache, ApiKeySnapshot } from "./api-key-cache.js";
import { authenticationFromDoc } from "./api-key-document.js";
import type { ApiKeyHasher } from "./api-key-hash.js";
import type { ApiKeySecretFormat } from "./api-key-secret-format.js";

/** What the authenticator does beyond Elasticsearch's steps; all optional. */
export interface ApiKeyAuthenticatorHooks {
  /** Refuses a secret that claims our format but fails its checksum, before any lookup. */
  secretFormat?: Pick<ApiKeySecretFormat, "refuses">;
  /** Told of each key that authenticated on the slow path (hash upgrade on use). Must not throw. */
  onVerified?: (snapshot: ApiKeySnapshot, secret: string) => void;
  /**
   * Told of every successful authentication, cache hits included (last-used tracking). Called on
   * the hot path: must be synchronous, cheap and must not throw.
   */
  usage?: { record(id: string, now: number): void };
}

/** What the authenticator needs from storage. */
export interface ApiKeyDocumentSource {
  get(id: string): Promise<ApiKeyDoc | null>;
}

export function snapshotOf(doc: ApiKeyDoc): ApiKeySnapshot {
  return {
    id: doc._id,
    type: doc.type === "cross_cluster" ? "cross_cluster" : "rest",
    invalidated: doc.invalidated === true,
    expirationTime: typeof doc.expiration_time === "number" ? doc.expiration_time : null,
    disabled: doc.enabled === false,
    hash: doc.hash,
    authentication: authenticationFromDoc(doc),
  };
}

/**
 * `Authorization: ApiKey base64(id:secret)`, following Elasticsearch's steps
 * (`ApiKeyService.loadApiKeyAndValidateCredentials`): load the document (cache first), refuse a
 * missing or invalidated key, verify the secret (cached digest first, else the stored hash off
 * the event loop), refuse a non-REST key (terminate), refuse an expired key. The unsuccessful
 * messages are Elasticsearch's; the chain turns them into the generic 401 with
 * `additional_unsuccessful_credentials: "API key: <message>"`.
 */
export class ApiKeyAuthenticator implements CredentialAuthenticator<"apikey"> {
  readonly scheme = "apikey" as const;

  constructor(
    private readonly documents: ApiKeyDocumentSource,
    private readonly hasher: Pick<ApiKeyHasher, "verify">,
    private readonly cache: ApiKeyCache,
    private readonly clock: () => number = Date.now,
    private readonly hooks: ApiKeyAuthenticatorHooks = {},
  ) {}

  async authenticate(credentials: Extract<Credentials, { scheme: "apikey" }>, _info: AuthRequestInfo): Promise<AuthenticatorResult> {
    const { id, secret } = credentials;
    if (this.hooks.secretFormat?.refuses(secret)) {
      // Mistyped or made up: no key can match, so neither the cache nor the database is asked.
      return { status: "continue", message: `invalid credentials for API key [${id}]: the secret fails its checksum` };
    }
    const now = this.clock();

    const cached = this.cache.lookup(id, secret, now);
    if (cached?.verified) return this.finish(cached.snapshot, now);

    const epoch = this.cache.epoch;
    let snapshot = cached?.snapshot;
    if (!snapshot) {
      const doc = await this.documents.get(id);
      if (!doc) return { status: "continue", message: `unable to find apikey with id ${id}` };
      if (doc.doc_type !== undefined && doc.doc_type !== "api_key") {
        return { status: "continue", message: `document [${id}] is [${String(doc.doc_type)}] not an api key` };
      }
      snapshot = snapshotOf(doc);
    }
    if (snapshot.invalidated) {
      this.cache.evict(id);
      return { status: "continue", message: `api key [${id}] has been invalidated` };
    }
    const verified = this.cache.verifiedBefore(id, snapshot.hash, secret) || (await this.hasher.verify(secret, snapshot.hash));
    if (!verified) {
      // Keep the document (it is valid); a wrong secret must never be cached as verified.
      this.cache.put(snapshot, undefined, epoch, now);
      return { status: "continue", message: `invalid credentials for API key [${id}]` };
    }
    this.cache.put(snapshot, secret, epoch, now);
    const result = this.finish(snapshot, now);
    if (result.status === "success") this.hooks.onVerified?.(snapshot, secret);
    return result;
  }

  /**
   * The synchronous, cache-only part of {@link authenticate}: the subject when the secret is the
   * one already verified for a cached, usable key; otherwise `undefined`, and {@link authenticate}
   * gives the full answer. Never reads the database nor runs a slow hash.
   */
  authenticateFromCache(credentials: Extract<Credentials, { scheme: "apikey" }>): Authentication | undefined {
    if (this.hooks.secretFormat?.refuses(credentials.secret)) return undefined;
    const now = this.clock();
    const cached = this.cache.lookup(credentials.id, credentials.secret, now);
    if (!cached?.verified) return undefined;
    const result = this.finish(cached.snapshot, now);
    return result.status === "success" ? result.authentication : undefined;
  }

  private finish(snapshot: ApiKeySnapshot, now: number): AuthenticatorResult {
    if (snapshot.type !== "rest") {
      return {
        status: "terminate",
        error: authenticationError(
          `authentication expected API key type of [rest], but API key [${snapshot.id}] has type [${snapshot.type}]`,
        ),
      };
    }
    if (snapshot.expirationTime !== null && snapshot.expirationTime <= now) {
      return { status: "continue", message: "api key is expired" };
    }
    // Checked after the secret, like expiry: only the key's holder learns that it is disabled.
    if (snapshot.disabled === true) return { status: "continue", message: `api key [${snapshot.id}] is disabled` };
    this.hooks.usage?.record(snapshot.id, now);
    return { status: "success", authentication: snapshot.authentication };
  }
}
