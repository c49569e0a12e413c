import { SettingsStore } from "../../store/settings-store.js";
import type { Authorizer } from "../../authz/authorizer.js";
import type { EventsJournal } from "../../store/events-journal.js";
import type { SecurityModels } from "../../store/models.js";
import type { TokenDoc } from "../../store/store-documents.js";
import { TokenStore } from "../../store/token-store.js";
import { randomId } from "../../support/random-id.js";
import { authenticationError, isSecurityError } from "../../support/security-error.js";
import type { ResolvedTokenConfig } from "../../model/token-options.js";
import type { Authentication } from "../../model/authentication.js";
import type { CreateTokenResponse, InvalidateTokenResponse } from "./token-responses.js";
import type { RotateSigningKeyOptions, SigningKeyRotation } from "../../model/signing-key-rotation.js";
import type { AuthenticationService } from "../../authc/authentication-service.js";
import { ensureSubjectActive } from "../../authc/ensure-subject-active.js";
import { signAccessToken, verifyAccessToken } from "../../authc/token/access-token.js";
import { JwtSigningKey } from "../../authc/token/jwt-signing-key.js";
import { SigningKeyRing } from "../../authc/token/signing-key-ring.js";
import { subjectRealm } from "../../authc/subject-realm.js";
import {
  generateRefreshToken,
  hashRefreshToken,
  isPlausibleRefreshToken,
  openSupersedingPair,
  sealSupersedingPair,
} from "../../authc/token/refresh-token.js";
import { TokenAuthenticator, type ApiKeyStateCheck } from "../../authc/token/token-authenticator.js";
import { decodeTokenSubject, encodeTokenSubject, tokenAuthentication } from "../../authc/token/token-authentication.js";
import { TokenCache } from "../../authc/token/token-cache.js";
import { invalidGrant, tokensNotEnabled } from "../../authc/token/token-errors.js";
import { TokenRemover } from "../../authc/token/token-remover.js";
import { parseCreateTokenRequest, parseInvalidateTokenRequest } from "./token-requests.js";
import { clientOf, successorIdOf } from "./refresh-lineage.js";
import { isDuplicateKey } from "../../store/is-duplicate-key.js";

export interface TokenServiceDeps {
  models: Pick<SecurityModels, "tokens" | "settings">;
  authorizer: Authorizer;
  journal: EventsJournal;
  /** Authenticates the credentials of the `password` grant. */
  authentication: AuthenticationService;
  config: ResolvedTokenConfig;
  /** Whether the API key a token was minted with is still usable; checked when a token is (re)read. */
  apiKeyActive?: ApiKeyStateCheck;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** How long a database confirmation of a token is trusted. Default 30 s. */
  revalidateMs?: number;
  /** How often expired token documents are deleted. Default 1 h. */
  removerIntervalMs?: number;
  /** Bound of the per-instance token cache. Default 100,000. */
  cacheMaxEntries?: number;
}

const ACTION = "cluster:admin/xpack/security/token/";
export const TOKEN_ACTIONS = Object.freeze({
  create: ACTION + "create",
  refresh: ACTION + "refresh",
  invalidate: ACTION + "invalidate",
});

/** Elasticsearch lets a spent refresh token be replayed this long, returning the same pair. */
export const REFRESH_RETRY_WINDOW_MS = 30_000;
/** Revocations learnt from the journal are kept this long: past any access token's lifetime (≤ 1 h) plus clock skew. */
const REVOKED_HOLD_MS = 65 * 60_000;
const EVENT_CHUNK = 1000;
const TOKEN_PATH = "/_security/oauth2/token";
/** What realms see as "the request" of password-grant credentials: not the caller's request. */
const GRANT_REQUEST = Object.freeze({ method: "POST", url: TOKEN_PATH, originalUrl: TOKEN_PATH, headers: Object.freeze({}) });
const COULD_NOT_REFRESH = "could not refresh the requested token";
const EMPTY: InvalidateTokenResponse = Object.freeze({ invalidated_tokens: 0, previously_invalidated_tokens: 0, error_count: 0 });

interface Minted {
  id: string;
  accessToken: string;
  refreshToken: string | undefined;
  expiresIn: number;
  authentication: Authentication;
}

/**
 * Elasticsearch's token service on JWTs: access tokens (HS256, default 20 minutes, at most 1 hour)
 * whose id is recorded in `tokens` so they can be revoked, and single-use refresh tokens (opaque,
 * 256 random bits, stored as SHA-256 hashes, 24 hours) with Elasticsearch's 30-second retry window.
 * Every method takes the caller's {@link Authentication} and requires `manage_token` (or
 * `manage_security`/`all`), as the REST API does.
 *
 * Revocation: an invalidation is journaled (`token.invalidate`), so it applies at once on this
 * instance and within one poll interval on the others; independently, an instance re-reads a
 * token's document at least every `revalidateMs` (30 s) and refuses it (503) when it cannot.
 */
export class TokenService {
  readonly store: TokenStore;
  readonly cache: TokenCache;
  readonly signingKey: JwtSigningKey;
  readonly authenticator: TokenAuthenticator;
  readonly remover: TokenRemover;
  private readonly authorizer: Authorizer;
  private readonly journal: EventsJournal;
  private readonly authentication: AuthenticationService;
  private readonly config: ResolvedTokenConfig;
  private readonly clock: () => number;
  private readonly unsubscribe: () => void;

  constructor(deps: TokenServiceDeps) {
    this.config = deps.config;
    this.authorizer = deps.authorizer;
    this.journal = deps.journal;
    this.authentication = deps.authentication;
    this.clock = deps.clock ?? Date.now;
    this.store = new TokenStore(deps.models.tokens);
    this.cache = new TokenCache({ maxEntries: deps.cacheMaxEntries ?? 100_000 });
    const configured = deps.config.signingKeys;
    const ring = configured ? new SigningKeyRing(configured.current, configured.previous) : undefined;
    this.signingKey = new JwtSigningKey(new SettingsStore(deps.models.settings), ring, { clock: () => this.clock() });
    this.authenticator = new TokenAuthenticator(this.signingKey, this.store, this.cache, {
      revalidateMs: deps.revalidateMs ?? 30_000,
      clock: () => this.clock(),
      ...(deps.apiKeyActive ? { apiKeyActive: deps.apiKeyActive } : {}),
    });
    this.remover = new TokenRemover(this.store, { intervalMs: deps.removerIntervalMs ?? 3_600_000, clock: () => this.clock() });
    this.unsubscribe = this.journal.subscribe((event) => {
      if (event.kind === "token.invalidate") {
        if (event.keys.includes("*")) this.cache.clear();
        else for (const id of event.keys) this.cache.revoke(id, this.clock() + REVOKED_HOLD_MS);
      } else if (event.kind === "api_key.invalidate") {
        // A token minted by an API key dies with the key (a database read would find out too,
        // at the next revalidation; this makes it immediate).
        const keys = new Set(event.keys);
        this.cache.revokeWhere((auth) => auth.apiKey !== undefined && (keys.has("*") || keys.has(auth.apiKey.id)));
      } else if (event.kind === "token.signing_key") {
        // Another instance rotated: sign with its new key, drop what it retired. A failed read
        // leaves the held keys; an unknown kid or the next rotation event reads again.
        this.signingKey.reload().catch(() => undefined);
      }
    });
  }

  get enabled(): boolean {
    return this.config.enabled;
  }

  /** Loads (or creates) the signing key and starts the remover (called by `security.start()`). */
  async start(): Promise<void> {
    if (!this.config.enabled) return;
    await this.signingKey.load();
    this.remover.start();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.remover.stop();
  }

  // -------------------------------------------------------------------------------------------
  // Create and refresh

  /**
   * `POST /_security/oauth2/token` with `grant_type` `password` (a token for that user, with a
   * refresh token), `client_credentials` (a token for the caller, no refresh token) or
   * `refresh_token` (a new pair; the refresh token is spent). Refusals are 400
   * {@link TokenRequestError}s (`invalid_request`, `unsupported_grant_type`, `invalid_grant`),
   * 401 for wrong password-grant credentials, 403 without `manage_token`.
   */
  async create(caller: Authentication, body: unknown): Promise<CreateTokenResponse> {
    this.ensureEnabled();
    const request = parseCreateTokenRequest(body);
    await this.authorizer.ensureClusterAction(caller, request.grantType === "refresh_token" ? TOKEN_ACTIONS.refresh : TOKEN_ACTIONS.create);
    const now = this.clock();
    let minted: Minted;
    let responseAuthentication: Authentication;
    if (request.grantType === "password") {
      const subject = await this.authenticatePassword(request.username ?? "", request.password ?? "");
      minted = await this.mint(subject, clientOf(caller), true, now);
      responseAuthentication = subject;
    } else if (request.grantType === "client_credentials") {
      // The caller may itself be a token of a user disabled or deleted since: no new token for it.
      await ensureSubjectActive(caller, this.authentication.chain);
      minted = await this.mint(caller, clientOf(caller), false, now);
      responseAuthentication = caller;
    } else {
      minted = await this.refresh(caller, request.refreshToken ?? "", now);
      responseAuthentication = minted.authentication;
    }
    const response: CreateTokenResponse = {
      access_token: minted.accessToken,
      type: "Bearer",
      expires_in: minted.expiresIn,
    } as CreateTokenResponse;
    // Tokens always have the full scope; RFC 6749 wants it named when the client asked for one.
    if (request.scope !== undefined) response.scope = "full";
    if (minted.refreshToken !== undefined) response.refresh_token = minted.refreshToken;
    response.authentication = responseAuthentication.toJSON();
    return response;
  }

  private async authenticatePassword(username: string, password: string): Promise<Authentication> {
    const authorization = "Basic " + Buffer.from(`${username}:${password}`, "utf8").toString("base64");
    try {
      const subjects = await this.authentication.authenticate({ authorization }, { uri: TOKEN_PATH, request: GRANT_REQUEST });
      if (!subjects) throw authenticationError(`unable to authenticate user [${username}] for action [${TOKEN_ACTIONS.create}]`);
      return subjects.authentication;
    } catch (error) {
      if (isSecurityError(error) && error.status === 401) {
        throw authenticationError(`unable to authenticate user [${username}] for action [${TOKEN_ACTIONS.create}]`);
      }
      throw error;
    }
  }

  /** A new token for `subject` under a random id. */
  private async mint(subject: Authentication, client: string, withRefresh: boolean, now: number): Promise<Minted> {
    const minted = await this.issue(subject, client, withRefresh, now);
    // Only a successor id can already exist; 120 random bits do not collide.
    if (!minted) throw new Error("express-keyguard: token id collision");
    return minted;
  }

  /**
   * Signs an access token for `subject`, records it, and pre-warms this instance's cache. With
   * `successor`, the token gets that id and carries its own pair sealed under the spent refresh
   * token; `undefined` when that id exists already (another refresh won).
   */
  private async issue(
    subject: Authentication,
    client: string,
    withRefresh: boolean,
    now: number,
    successor?: { id: string; spentRefreshToken: string },
  ): Promise<Minted | undefined> {
    const ring = await this.signingKey.load();
    const id = successor?.id ?? randomId();
    const lifetimeSeconds = this.config.accessTokenLifetimeMs / 1000;
    const issuedAt = Math.floor(now / 1000);
    const expiresAt = issuedAt + lifetimeSeconds;
    const accessToken = signAccessToken({ id, subject: subject.user.username, issuedAt, expiresAt }, ring.current);
    const refreshToken = withRefresh ? generateRefreshToken() : undefined;
    const refreshExpiration = withRefresh ? now + this.config.refreshTokenLifetimeMs : null;
    const doc: TokenDoc = {
      _id: id,
      doc_type: "token",
      creation_time: now,
      expiration_time: expiresAt * 1000,
      invalidated: false,
      invalidation_time: null,
      username: subject.user.username,
      realm: subjectRealm(subject).name,
      api_key_id: subject.apiKey?.id ?? null,
      authentication: encodeTokenSubject(subject),
      refresh_hash: refreshToken !== undefined ? hashRefreshToken(refreshToken) : null,
      refresh_expiration_time: refreshExpiration,
      refresh_invalidated: false,
      refreshed: false,
      refresh_time: null,
      refresh_client: withRefresh ? client : null,
      sealed_pair:
        successor && refreshToken !== undefined ? sealSupersedingPair(successor.spentRefreshToken, { accessToken, refreshToken }) : null,
      purge_at: Math.max(expiresAt * 1000, refreshExpiration ?? 0),
    };
    try {
      await this.store.insert(doc);
    } catch (error) {
      if (successor && isDuplicateKey(error)) return undefined;
      throw error;
    }
    const authentication = tokenAuthentication(subject, id);
    this.cache.put(id, { state: "valid", authentication, expiresAt: doc.expiration_time, confirmedAt: now }, this.cache.epoch);
    return { id, accessToken, refreshToken, expiresIn: lifetimeSeconds, authentication };
  }

  /**
   * Spends `refreshToken` for a new pair (single use). The new token's id is derived from the
   * spent one, so inserting it is the claim: of concurrent refreshes exactly one mints, the others
   * (and any retry within {@link REFRESH_RETRY_WINDOW_MS}) get that same pair back, opened with the
   * spent refresh token; any later use is `invalid_grant`, as in Elasticsearch.
   */
  private async refresh(caller: Authentication, refreshToken: string, now: number): Promise<Minted> {
    if (!isPlausibleRefreshToken(refreshToken)) throw invalidGrant(COULD_NOT_REFRESH);
    const doc = await this.store.findByRefreshHash(hashRefreshToken(refreshToken));
    if (!doc) throw invalidGrant(COULD_NOT_REFRESH);
    // Elasticsearch's checkTokenDocumentForRefresh, in its order.
    if (doc.refresh_expiration_time === null || now > doc.refresh_expiration_time) throw invalidGrant("token document has expired");
    if (doc.refresh_invalidated) throw invalidGrant("token has been invalidated");
    const client = clientOf(caller);
    if (doc.refresh_client !== client) throw invalidGrant("tokens must be refreshed by the creating client");

    const successorId = successorIdOf(doc._id);
    if (!doc.refreshed) {
      const subject = decodeTokenSubject(doc.authentication, doc._id);
      // A refresh token outlives its access token by a day: its user must still be there.
      try {
        await ensureSubjectActive(subject, this.authentication.chain);
      } catch (error) {
        if (isSecurityError(error) && error.status === 401) throw invalidGrant(error.reason);
        throw error;
      }
      const minted = await this.issue(subject, client, true, now, { id: successorId, spentRefreshToken: refreshToken });
      if (minted) {
        await this.store.markRefreshed(doc._id, now);
        return minted;
      }
    }
    return this.replay(successorId, refreshToken, now);
  }

  /** The pair an earlier refresh of `refreshToken` returned, if still within the retry window. */
  private async replay(successorId: string, refreshToken: string, now: number): Promise<Minted> {
    const successor = await this.store.get(successorId);
    if (!successor?.sealed_pair) throw invalidGrant(COULD_NOT_REFRESH);
    const refreshedAt = successor.creation_time;
    if (now > refreshedAt + REFRESH_RETRY_WINDOW_MS)
      throw invalidGrant("token has already been refreshed more than 30 seconds in the past");
    if (now < refreshedAt - REFRESH_RETRY_WINDOW_MS)
      throw invalidGrant("token has been refreshed more than 30 seconds in the future, clock skew too great");
    const pair = openSupersedingPair(refreshToken, successor.sealed_pair);
    if (!pair) throw invalidGrant(COULD_NOT_REFRESH);
    const ring = await this.signingKey.load();
    const check = verifyAccessToken(pair.accessToken, (kid) => ring.keyFor(kid, now), now, true);
    if (check.status !== "valid" || check.id !== successorId) throw invalidGrant(COULD_NOT_REFRESH);
    return {
      id: successorId,
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      expiresIn: Math.max(0, Math.floor((check.expiresAt - now) / 1000)),
      authentication: decodeTokenSubject(successor.authentication, successorId),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Invalidate

  /**
   * `DELETE /_security/oauth2/token` by `token` (the access token, even expired), `refresh_token`
   * (only the refresh token, as in Elasticsearch), or `username` and/or `realm_name` (every active
   * token of theirs, both parts, each part counted: a password grant counts 2, a client_credentials
   * token 1; a part that already was invalidated counts in `previously_invalidated_tokens`). Naming
   * one token counts 1 (or 1 previously invalidated). A token that is not ours or no longer exists gives all-zero
   * counts (the router answers 404 then, as Elasticsearch).
   */
  async invalidate(caller: Authentication, body: unknown): Promise<InvalidateTokenResponse> {
    this.ensureEnabled();
    const request = parseInvalidateTokenRequest(body);
    await this.authorizer.ensureClusterAction(caller, TOKEN_ACTIONS.invalidate);
    const now = this.clock();

    if (request.kind === "access_token") {
      const ring = await this.signingKey.load();
      const check = verifyAccessToken(request.token, (kid) => ring.keyFor(kid, now), now, true);
      if (check.status !== "valid") return { ...EMPTY };
      const result = await this.store.invalidateAccess(check.id, now);
      if (!result.found) return { ...EMPTY };
      if (!result.changed) return { invalidated_tokens: 0, previously_invalidated_tokens: 1, error_count: 0 };
      await this.journal.append({ kind: "token.invalidate", keys: [check.id] });
      return { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 };
    }

    if (request.kind === "refresh_token") {
      if (!isPlausibleRefreshToken(request.token)) return { ...EMPTY };
      const doc = await this.store.findByRefreshHash(hashRefreshToken(request.token));
      if (!doc) return { ...EMPTY };
      const changed = await this.store.invalidateRefresh(doc._id);
      return changed
        ? { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 }
        : { invalidated_tokens: 0, previously_invalidated_tokens: 1, error_count: 0 };
    }

    const ids = await this.store.findActive(
      {
        ...(request.username !== undefined ? { username: request.username } : {}),
        ...(request.realmName !== undefined ? { realm: request.realmName } : {}),
      },
      now,
    );
    const counts = await this.store.invalidateActive(ids, now);
    for (let i = 0; i < ids.length; i += EVENT_CHUNK) {
      await this.journal.append({ kind: "token.invalidate", keys: ids.slice(i, i + EVENT_CHUNK) });
    }
    return { invalidated_tokens: counts.invalidated, previously_invalidated_tokens: counts.previouslyInvalidated, error_count: 0 };
  }

  // -------------------------------------------------------------------------------------------
  // Signing keys

  /**
   * Makes a new generated signing key current (see {@link JwtSigningKey.rotate}). Journaled: the
   * other instances sign with the new key and drop retired ones within one events poll.
   */
  async rotateSigningKey(options?: RotateSigningKeyOptions): Promise<SigningKeyRotation> {
    this.ensureEnabled();
    const rotation = await this.signingKey.rotate(this.config.accessTokenLifetimeMs, options);
    await this.journal.append({ kind: "token.signing_key", keys: [rotation.kid, ...rotation.retired] });
    return rotation;
  }

  private ensureEnabled(): void {
    if (!this.config.enabled) throw tokensNotEnabled();
  }
}
