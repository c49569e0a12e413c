import { authenticationError, type SecurityError } from "../support/security-error.js";
import { Authentication, type User } from "../model/authentication.js";
import type { Credentials } from "./parse-authorization.js";
import type { ParsedAuthorization } from "./parsed-authorization.js";
import { realmRef } from "./realms/realm-ref.js";
import { toRealmResult } from "./realms/to-realm-result.js";
import type { Realm } from "../model/realm.js";

/** Everything about the request the chain needs, free of any HTTP framework. */
export interface AuthRequestInfo {
  /** Path and query of the request, for Elasticsearch's 401 reasons. */
  uri: string;
  /** The host framework's request object, handed to realms. */
  request: unknown;
}

export type AuthenticatorResult =
  | { status: "success"; authentication: Authentication }
  | { status: "continue"; message: string }
  | { status: "terminate"; error: SecurityError };

/** An authenticator for a token-like credential (`ApiKey`, `Bearer`). */
export interface CredentialAuthenticator<S extends "apikey" | "bearer"> {
  readonly scheme: S;
  authenticate(credentials: Extract<Credentials, { scheme: S }>, info: AuthRequestInfo): Promise<AuthenticatorResult>;
  /**
   * Optional synchronous, cache-only answer: the subject when the credential is already verified
   * in memory, else `undefined` (then {@link authenticate} runs). Must never do I/O.
   */
  authenticateFromCache?(credentials: Extract<Credentials, { scheme: S }>): Authentication | undefined;
}

/** A realm that can answer from its credential cache without waiting (the native realm). */
interface CachingRealm extends Realm {
  authenticateFromCache(username: string, password: string): User | undefined;
}

function isCachingRealm(realm: Realm): realm is CachingRealm {
  return typeof (realm as Partial<CachingRealm>).authenticateFromCache === "function";
}

export interface AnonymousOptions {
  username: string;
  roles: string[];
}

const GENERIC = "unable to authenticate with provided credentials and anonymous access is not allowed for this request";

/**
 * Elasticsearch's authentication chain: Bearer → ApiKey → realms in order → anonymous → 401.
 * Bearer and ApiKey authenticators are plugged in by their services.
 */
export class AuthenticatorChain {
  private bearer: CredentialAuthenticator<"bearer"> | undefined;
  private apiKey: CredentialAuthenticator<"apikey"> | undefined;
  private readonly cachedRealmAuthentications = new WeakMap<User, Authentication>();
  /** Names of the realms that declare `credentialsFromCookies`. */
  private readonly cookieRealms: ReadonlySet<string>;

  constructor(
    private readonly realms: Realm[],
    private readonly anonymous: AnonymousOptions | undefined,
  ) {
    this.cookieRealms = new Set(realms.filter((realm) => realm.credentialsFromCookies === true).map((realm) => realm.name));
  }

  /**
   * Whether `auth` rests on credentials the browser sent by itself (a realm declaring
   * `credentialsFromCookies`), so that a cross-site page could have made the request. A token or
   * an API key minted for such a user is an explicit credential again.
   */
  isCookieAuthenticated(auth: Authentication): boolean {
    return auth.type === "realm" && this.cookieRealms.size > 0 && this.cookieRealms.has(auth.authenticationRealm.name);
  }

  use(authenticator: CredentialAuthenticator<"bearer"> | CredentialAuthenticator<"apikey">): void {
    if (authenticator.scheme === "bearer") this.bearer = authenticator;
    else this.apiKey = authenticator;
  }

  /**
   * The synchronous, cache-only path of {@link authenticate} for the hot path: the subject of an
   * `ApiKey`, `Bearer` or `Basic` credential that the caches already verified (Basic: in the first
   * realm, which the slow path would also ask first); otherwise `undefined`, and
   * {@link authenticate} gives the same answer it always did. No database, no slow hash.
   */
  authenticateFromCache(authorization: ParsedAuthorization): Authentication | undefined {
    const token = authorization.bearerCandidate;
    if (token !== undefined) return this.bearer?.authenticateFromCache?.({ scheme: "bearer", token });
    const credentials = authorization.credentials;
    switch (credentials?.scheme) {
      case "apikey":
        return this.apiKey?.authenticateFromCache?.(credentials);
      case "bearer":
        return this.bearer?.authenticateFromCache?.(credentials);
      case "basic": {
        const realm = this.realms[0];
        if (!realm || !isCachingRealm(realm)) return undefined;
        const user = realm.authenticateFromCache(credentials.username, credentials.password);
        if (!user) return undefined;
        // A cached user is one object across requests: so is its (immutable) Authentication.
        let authentication = this.cachedRealmAuthentications.get(user);
        if (!authentication) {
          authentication = new Authentication({ user, authenticationRealm: realmRef(realm), type: "realm" });
          this.cachedRealmAuthentications.set(user, authentication);
        }
        return authentication;
      }
      default:
        return undefined;
    }
  }

  findRealm(name: string): Realm | undefined {
    return this.realms.find((r) => r.name === name);
  }

  /** Finds `username` in the first realm that supports lookup and knows it. */
  async lookup(username: string): Promise<{ user: User; realm: Realm } | undefined> {
    for (const realm of this.realms) {
      if (!realm.lookup) continue;
      const user = await realm.lookup(username);
      if (user) return { user, realm };
    }
    return undefined;
  }

  /**
   * Authenticates one `Authorization`-style header value. Throws a 401 `SecurityError` when
   * nothing succeeds.
   */
  async authenticate(authorization: ParsedAuthorization, info: AuthRequestInfo, allowAnonymous: boolean): Promise<Authentication> {
    const credentials = authorization.credentials;

    if (credentials?.scheme === "bearer" || (credentials?.scheme === "malformed" && credentials.of === "bearer")) {
      if (credentials.scheme === "malformed" || !this.bearer) {
        throw authenticationError(GENERIC, { additional_unsuccessful_credentials: "oauth2 token: invalid token" });
      }
      const result = await this.bearer.authenticate(credentials, info);
      if (result.status === "success") return result.authentication;
      if (result.status === "terminate") throw result.error;
      // Elasticsearch names the authenticator: "oauth2 token: invalid token".
      throw authenticationError(GENERIC, { additional_unsuccessful_credentials: `oauth2 token: ${result.message}` });
    }

    if (credentials?.scheme === "apikey" || (credentials?.scheme === "malformed" && credentials.of === "apikey")) {
      if (credentials.scheme === "malformed") {
        throw authenticationError(GENERIC, { additional_unsuccessful_credentials: `API key: ${credentials.reason}` });
      }
      if (!this.apiKey) {
        throw authenticationError(GENERIC, { additional_unsuccessful_credentials: "API key: api keys are not enabled" });
      }
      const result = await this.apiKey.authenticate(credentials, info);
      if (result.status === "success") return result.authentication;
      if (result.status === "terminate") throw result.error;
      throw authenticationError(GENERIC, { additional_unsuccessful_credentials: `API key: ${result.message}` });
    }

    if (credentials?.scheme === "malformed") throw authenticationError(credentials.reason);

    const basic = credentials?.scheme === "basic" ? credentials : undefined;
    // Realms that trust the request itself (sessions) see requests without credentials too;
    // a request with an unknown scheme is treated as carrying none, as Elasticsearch does.
    for (const realm of this.realms) {
      // Presented credentials are answered on their own merit: a wrong password must not turn
      // into a success as whoever the browser's cookie names (nor reset its failure count).
      if (basic && this.cookieRealms.has(realm.name)) continue;
      const input = basic
        ? { credentials: { username: basic.username, password: basic.password }, request: info.request }
        : { request: info.request };
      const result = toRealmResult(await realm.authenticate(input));
      if (result.status === "success") {
        return new Authentication({ user: result.user, authenticationRealm: realmRef(realm), type: "realm" });
      }
      if (result.status === "terminate") throw authenticationError(result.message);
    }

    if (basic) throw authenticationError(`unable to authenticate user [${basic.username}] for REST request [${info.uri}]`);
    if (allowAnonymous && this.anonymous) {
      const user: User = {
        username: this.anonymous.username,
        roles: [...this.anonymous.roles],
        full_name: null,
        email: null,
        metadata: {},
        enabled: true,
      };
      return new Authentication({ user, authenticationRealm: { name: "__anonymous", type: "anonymous" }, type: "anonymous" });
    }
    throw authenticationError(`missing authentication credentials for REST request [${info.uri}]`);
  }
}
