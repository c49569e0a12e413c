import type { ApiKeyLimits } from "./api-key-limits.js";
import type { RoleDescriptorMap } from "./role-descriptor.js";

export type AuthenticationType = "realm" | "api_key" | "token" | "anonymous" | "internal";

export interface RealmRef {
  name: string;
  type: string;
}

/** A user as the security layer sees it (never carries a password or hash). */
export interface User {
  username: string;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
}

export interface ApiKeyRef {
  id: string;
  name: string | null;
  metadata: Record<string, unknown>;
  /** Assigned descriptors; `{}` means the key inherits its limited-by snapshot. */
  roleDescriptors: RoleDescriptorMap;
  /** The owner's role descriptors captured at create/grant/update time. */
  limitedBy: RoleDescriptorMap;
  /** The owner's original realm (the key itself authenticates in `_es_api_key`). */
  creatorRealm: RealmRef;
  /** Rate limits and credits of the key; absent when it has none (see `api-key-limits.ts`). */
  limits?: ApiKeyLimits;
}

export interface TokenRef {
  id: string;
}

export interface AuthenticationInit {
  user: User;
  authenticationRealm: RealmRef;
  lookupRealm?: RealmRef;
  type: AuthenticationType;
  apiKey?: ApiKeyRef;
  token?: TokenRef;
  authenticatingUser?: User;
}

/** The body of `GET /_security/_authenticate`. */
export interface AuthenticateResponse extends User {
  authentication_realm: RealmRef;
  lookup_realm: RealmRef;
  authentication_type: AuthenticationType;
  api_key?: { id: string; name: string | null };
}

export const API_KEY_REALM: RealmRef = Object.freeze({ name: "_es_api_key", type: "_es_api_key" });

/**
 * Who made a request: the effective user, the realm that authenticated them, how (realm, API key,
 * token, anonymous) and, for API keys, which key. Immutable; run-as produces a new one.
 */
export class Authentication {
  /** The effective user: the run-as target when run-as was used. */
  readonly user: User;
  /** The user who presented the credentials, when different from {@link user} (run-as). */
  readonly authenticatingUser: User | undefined;
  readonly authenticationRealm: RealmRef;
  readonly lookupRealm: RealmRef;
  readonly type: AuthenticationType;
  readonly apiKey: ApiKeyRef | undefined;
  readonly token: TokenRef | undefined;

  constructor(init: AuthenticationInit) {
    this.user = init.user;
    this.authenticatingUser = init.authenticatingUser;
    this.authenticationRealm = init.authenticationRealm;
    this.lookupRealm = init.lookupRealm ?? init.authenticationRealm;
    this.type = init.type;
    this.apiKey = init.apiKey;
    this.token = init.token;
    Object.freeze(this);
  }

  get username(): string {
    return this.user.username;
  }

  /** True when the credential was an API key, directly or through a token minted by one. */
  get isApiKey(): boolean {
    return this.apiKey !== undefined;
  }

  get isRunAs(): boolean {
    return this.authenticatingUser !== undefined;
  }

  /**
   * The API key that is the subject itself: an API key (directly or through a token minted by
   * one) not running as another user. Its permission, owner and realm are the key's; with run-as
   * they are the target user's, as in Elasticsearch.
   */
  get effectiveApiKey(): ApiKeyRef | undefined {
    return this.authenticatingUser === undefined ? this.apiKey : undefined;
  }

  /** The same subject, now acting as `target` found in `lookupRealm`. */
  runAs(target: User, lookupRealm: RealmRef): Authentication {
    return new Authentication({
      user: target,
      authenticatingUser: this.user,
      authenticationRealm: this.authenticationRealm,
      lookupRealm,
      type: this.type,
      ...(this.apiKey ? { apiKey: this.apiKey } : {}),
      ...(this.token ? { token: this.token } : {}),
    });
  }

  toJSON(): AuthenticateResponse {
    const body: AuthenticateResponse = {
      username: this.user.username,
      roles: this.effectiveApiKey ? [] : [...this.user.roles],
      full_name: this.user.full_name,
      email: this.user.email,
      metadata: this.user.metadata,
      enabled: this.user.enabled,
      authentication_realm: { ...this.authenticationRealm },
      lookup_realm: { ...this.lookupRealm },
      authentication_type: this.type,
    };
    if (this.apiKey) body.api_key = { id: this.apiKey.id, name: this.apiKey.name };
    return body;
  }
}
