/**
 * The subject of an access token as stored in its `tokens` document, and back. A token keeps a
 * snapshot of who it was minted for (as Elasticsearch's `UserToken` does): the user with role
 * names, both realms, run-as, and, for a token minted by an API key, the key with its descriptors.
 */
import type { RoleDescriptorMap } from "../../model/role-descriptor.js";
import { deepFreeze } from "../../support/deep-freeze.js";
import { isPlainObject } from "../../support/json-input.js";
import { Authentication, type ApiKeyRef, type AuthenticationType, type RealmRef, type User } from "../../model/authentication.js";

interface StoredSubject {
  v: 1;
  type: AuthenticationType;
  user: User;
  authenticating_user?: User;
  authentication_realm: RealmRef;
  lookup_realm: RealmRef;
  api_key?: {
    id: string;
    name: string | null;
    metadata: Record<string, unknown>;
    role_descriptors: RoleDescriptorMap;
    limited_by: RoleDescriptorMap;
    creator_realm: RealmRef;
  };
}

function userRecord(user: User): User {
  return {
    username: user.username,
    roles: [...user.roles],
    full_name: user.full_name ?? null,
    email: user.email ?? null,
    metadata: structuredClone(user.metadata ?? {}),
    enabled: user.enabled,
  };
}

/** JSON of the subject a token is minted for (see `TokenDoc.authentication`). */
export function encodeTokenSubject(auth: Authentication): string {
  const stored: StoredSubject = {
    v: 1,
    type: auth.type,
    user: userRecord(auth.user),
    authentication_realm: { ...auth.authenticationRealm },
    lookup_realm: { ...auth.lookupRealm },
  };
  if (auth.authenticatingUser) stored.authenticating_user = userRecord(auth.authenticatingUser);
  if (auth.apiKey) {
    stored.api_key = {
      id: auth.apiKey.id,
      name: auth.apiKey.name,
      metadata: auth.apiKey.metadata,
      role_descriptors: auth.apiKey.roleDescriptors,
      limited_by: auth.apiKey.limitedBy,
      creator_realm: { ...auth.apiKey.creatorRealm },
    };
  }
  return JSON.stringify(stored);
}

function realmOf(value: unknown): RealmRef {
  if (!isPlainObject(value) || typeof value.name !== "string" || typeof value.type !== "string") throw new Error("bad realm");
  return { name: value.name, type: value.type };
}

function userOf(value: unknown): User {
  if (
    !isPlainObject(value) ||
    typeof value.username !== "string" ||
    !Array.isArray(value.roles) ||
    !value.roles.every((r) => typeof r === "string")
  ) {
    throw new Error("bad user");
  }
  return {
    username: value.username,
    roles: value.roles,
    full_name: typeof value.full_name === "string" ? value.full_name : null,
    email: typeof value.email === "string" ? value.email : null,
    metadata: isPlainObject(value.metadata) ? value.metadata : {},
    enabled: value.enabled !== false,
  };
}

/**
 * The `Authentication` of requests made with access token `tokenId`: the stored subject with
 * `authentication_type: "token"`, its original realms, run-as and API key (so a token minted by a
 * key keeps the key's permissions and counts as API-key authentication). Deeply frozen, so one
 * instance can be shared by every request of the cache. Throws on a damaged document.
 */
export function decodeTokenSubject(json: string, tokenId: string): Authentication {
  const value: unknown = JSON.parse(json);
  if (!isPlainObject(value) || value.v !== 1) throw new Error("unsupported token subject");
  let apiKey: ApiKeyRef | undefined;
  if (value.api_key !== undefined) {
    const k = value.api_key;
    if (!isPlainObject(k) || typeof k.id !== "string") throw new Error("bad api key");
    apiKey = {
      id: k.id,
      name: typeof k.name === "string" ? k.name : null,
      metadata: isPlainObject(k.metadata) ? k.metadata : {},
      roleDescriptors: (isPlainObject(k.role_descriptors) ? k.role_descriptors : {}) as RoleDescriptorMap,
      limitedBy: (isPlainObject(k.limited_by) ? k.limited_by : {}) as RoleDescriptorMap,
      creatorRealm: realmOf(k.creator_realm),
    };
  }
  return tokenAuthentication(
    {
      user: userOf(value.user),
      authenticatingUser: value.authenticating_user !== undefined ? userOf(value.authenticating_user) : undefined,
      authenticationRealm: realmOf(value.authentication_realm),
      lookupRealm: realmOf(value.lookup_realm),
      apiKey,
    },
    tokenId,
  );
}

/** The token-typed view of `subject`, frozen. */
export function tokenAuthentication(
  subject: Pick<Authentication, "user" | "authenticatingUser" | "authenticationRealm" | "lookupRealm" | "apiKey">,
  tokenId: string,
): Authentication {
  return new Authentication({
    user: deepFreeze(userRecord(subject.user)),
    authenticationRealm: deepFreeze({ ...subject.authenticationRealm }),
    lookupRealm: deepFreeze({ ...subject.lookupRealm }),
    type: "token",
    token: deepFreeze({ id: tokenId }),
    ...(subject.authenticatingUser ? { authenticatingUser: deepFreeze(userRecord(subject.authenticatingUser)) } : {}),
    ...(subject.apiKey ? { apiKey: deepFreeze(structuredClone(subject.apiKey)) } : {}),
  });
}
