import { hash as oneShotHash, type KeyObject } from "node:crypto";
import type { TokenDoc } from "../../store/store-documents.js";
import { unavailableError } from "../../support/security-error.js";
import type { Authentication } from "../../model/authentication.js";
import type { AuthenticatorResult, AuthRequestInfo, CredentialAuthenticator } from "../authenticator-chain.js";
import type { Credentials } from "../parse-authorization.js";
import { verifyAccessToken, type AccessTokenCheck } from "./access-token.js";
import type { JwtSigningKey } from "./jwt-signing-key.js";
import type { SigningKeyRing } from "./signing-key-ring.js";
import { decodeTokenSubject } from "./token-authentication.js";
import type { TokenCache } from "./token-cache.js";
import { tokenExpiredError } from "./token-errors.js";

/** What the authenticator needs from storage. */
export interface TokenDocumentSource {
  get(id: string): Promise<TokenDoc | null>;
}

/** Whether the API key a token was minted with is still usable (not invalidated, not expired). */
export type ApiKeyStateCheck = (apiKeyId: string, now: number) => Promise<boolean>;

export interface TokenAuthenticatorOptions {
  /**
   * How long a database confirmation that a token is not invalidated is trusted. Revocations
   * normally arrive through the events journal within one poll; this bounds staleness even when
   * the journal cannot be read, and past it a token is refused (503) while the database is away.
   */
  revalidateMs: number;
  clock: () => number;
  apiKeyActive?: ApiKeyStateCheck;
}

const INVALID = { status: "continue", message: "invalid token" } as const;
/** Tokens whose signature is remembered as verified (see `authenticateFromCache`). */
const VERIFIED_MAX = 10_000;

/**
 * `Authorization: Bearer <access token>`, as Elasticsearch's `OAuth2TokenAuthenticator`:
 * - not a JWT we signed (wrong key, tampered, `alg: none`, another algorithm, malformed), signed
 *   with a retired key, or no such token: unsuccessful "invalid token" (the chain answers its
 *   generic 401, as Elasticsearch does for a token of a key it no longer has);
 * - expired or invalidated: terminate with 401 "token expired" and the `invalid_token` challenge;
 * - otherwise the token's subject, `authentication_type: "token"`.
 *
 * Hot path: one HS256 verification with a `KeyObject` and one cache lookup; the database is read
 * only for a token this instance has not seen, or once per `revalidateMs` per token. When that
 * read fails the request fails closed (503): a token is trusted without the database only while
 * its last confirmation is fresh. A `kid` this instance does not know makes it read the key ring
 * (at most once a second), so tokens of a key rotated in elsewhere verify before the journal
 * brings the rotation.
 */
export class TokenAuthenticator implements CredentialAuthenticator<"bearer"> {
  readonly scheme = "bearer" as const;
  private readonly inFlight = new Map<string, Promise<AuthenticatorResult>>();
  /**
   * SHA-256 of tokens whose JWT signature verified, with their id and expiry, so a repeated
   * Bearer request skips the JWT parsing and HMAC verification entirely (a hit costs one digest
   * and two map lookups). Valid only while the key that verified them still verifies its `kid`; the id's entry in the
   * token cache still decides (revocation, expiry, revalidation), so nothing about coherence
   * changes.
   *
   * Why a plain `Map` lookup is not a timing leak: the map compares keys with ordinary
   * (early-exit) string equality, but the keys are SHA-256 digests of the whole token. What an
   * attacker could learn from timing is how far the digest of *their own* guess matches a stored
   * digest, and by preimage resistance that says nothing about any valid token; a guess only hits
   * when it is the verified token itself. Tokens are also never kept verbatim.
   */
  private readonly verified = new Map<string, { id: string; expiresAt: number; kid: string | undefined; key: KeyObject }>();

  constructor(
    private readonly key: JwtSigningKey,
    private readonly documents: TokenDocumentSource,
    private readonly cache: TokenCache,
    private readonly options: TokenAuthenticatorOptions,
  ) {}

  async authenticate(credentials: Extract<Credentials, { scheme: "bearer" }>, _info: AuthRequestInfo): Promise<AuthenticatorResult> {
    const now = this.options.clock();
    let ring = this.key.ring ?? (await this.key.load());
    let check = verifyAccessToken(credentials.token, (kid) => ring.keyFor(kid, now), now);
    if (check.status === "unknown_key" && check.kid !== undefined && !ring.knows(check.kid)) {
      // Signed with a key rotated in elsewhere that the journal has not brought here yet.
      let newer: SigningKeyRing | undefined;
      try {
        newer = await this.key.lookUpUnknown();
      } catch {
        return { status: "terminate", error: unavailableError("security index is unavailable: the token signing keys cannot be read") };
      }
      if (newer) {
        ring = newer;
        check = verifyAccessToken(credentials.token, (kid) => ring.keyFor(kid, now), now);
      }
    }
    if (check.status === "invalid" || check.status === "unknown_key") return INVALID;
    if (check.status === "expired") return { status: "terminate", error: tokenExpiredError() };
    this.rememberVerified(credentials.token, check);

    const entry = this.cache.get(check.id, now);
    if (entry?.state === "revoked") return { status: "terminate", error: tokenExpiredError() };
    if (entry?.state === "missing") return INVALID;
    if (entry?.state === "valid" && now - entry.confirmedAt <= this.options.revalidateMs) {
      return { status: "success", authentication: entry.authentication };
    }
    // Concurrent requests with the same unconfirmed token share one database read.
    let pending = this.inFlight.get(check.id);
    if (!pending) {
      pending = this.load(check.id, check.expiresAt, now).finally(() => this.inFlight.delete(check.id));
      this.inFlight.set(check.id, pending);
    }
    return pending;
  }

  /**
   * The synchronous, cache-only part of {@link authenticate}: the subject of a token whose
   * signature this instance verified before (key still verifying, token not expired) and whose id is cached as
   * valid and recently confirmed; otherwise `undefined`, and {@link authenticate} decides.
   */
  authenticateFromCache(credentials: Extract<Credentials, { scheme: "bearer" }>): Authentication | undefined {
    const ring = this.key.ring;
    if (!ring || this.verified.size === 0) return undefined;
    const known = this.verified.get(oneShotHash("sha256", credentials.token, "hex"));
    if (!known) return undefined;
    const now = this.options.clock();
    // The key must still verify: a rotation that retired it ends the token here too.
    if (known.expiresAt <= now || ring.keyFor(known.kid, now) !== known.key) return undefined;
    const entry = this.cache.get(known.id, now);
    return entry?.state === "valid" && now - entry.confirmedAt <= this.options.revalidateMs ? entry.authentication : undefined;
  }

  private rememberVerified(token: string, { id, expiresAt, kid, key }: Extract<AccessTokenCheck, { status: "valid" }>): void {
    const digest = oneShotHash("sha256", token, "hex");
    if (this.verified.has(digest)) return;
    if (this.verified.size >= VERIFIED_MAX) {
      // Insertion order: the oldest (soonest to expire, as tokens share one lifetime) goes first.
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(digest, { id, expiresAt, kid, key });
  }

  private async load(id: string, expiresAt: number, now: number): Promise<AuthenticatorResult> {
    const epoch = this.cache.epoch;
    let doc: TokenDoc | null;
    let keyActive = true;
    try {
      doc = await this.documents.get(id);
      if (doc?.api_key_id && this.options.apiKeyActive) keyActive = await this.options.apiKeyActive(doc.api_key_id, now);
    } catch {
      return { status: "terminate", error: unavailableError("security index is unavailable: the token store cannot be reached") };
    }
    if (!doc) {
      this.cache.put(id, { state: "missing", expiresAt }, epoch);
      return INVALID;
    }
    if (doc.invalidated || !keyActive) {
      this.cache.put(id, { state: "revoked", expiresAt }, epoch);
      return { status: "terminate", error: tokenExpiredError() };
    }
    let authentication: Authentication;
    try {
      authentication = decodeTokenSubject(doc.authentication, id);
    } catch {
      return INVALID;
    }
    this.cache.put(id, { state: "valid", authentication, expiresAt, confirmedAt: now }, epoch);
    return { status: "success", authentication };
  }
}
