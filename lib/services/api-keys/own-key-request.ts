import type { ApiKeyRef, Authentication } from "../../model/authentication.js";
import type { ApiKeySelector } from "../../store/api-key-store.js";

/** The API key a subject authenticated with, when the effective subject is that key (not run-as). */
export function keyOf(auth: Authentication): ApiKeyRef | undefined {
  return auth.effectiveApiKey;
}

/** Realm names that count as "the caller's" for owner filters (ApiKeyService.getOwnersRealmNames). */
export function ownerRealms(auth: Authentication): string[] {
  const key = keyOf(auth);
  return [key ? key.creatorRealm.name : auth.lookupRealm.name];
}

/** How a get or invalidate request names whose keys it is about. */
export interface OwnerFilter {
  owner: boolean;
  username?: string | undefined;
  realmName?: string | undefined;
}

/**
 * Whether a get or invalidate request is about the caller's own keys only, so that
 * `manage_own_api_key` may allow it: `owner=true`, or the caller's own username and realm; for an
 * API key, `keyTargetsItself` decides (a key only ever reaches itself).
 */
export function isOwnKeyRequest(caller: Authentication, request: OwnerFilter, keyTargetsItself: (key: ApiKeyRef) => boolean): boolean {
  const key = keyOf(caller);
  if (key) return keyTargetsItself(key);
  if (request.owner) return true;
  return (
    request.username !== undefined &&
    request.realmName !== undefined &&
    request.username === caller.user.username &&
    request.realmName === caller.lookupRealm.name
  );
}

/** The ownership part of a get/invalidate selector: the caller's own keys, or a named owner. */
export function selectOwner(selector: ApiKeySelector, caller: Authentication, request: OwnerFilter): void {
  if (request.owner) {
    selector.username = caller.user.username;
    selector.realms = ownerRealms(caller);
    return;
  }
  if (request.username !== undefined) selector.username = request.username;
  if (request.realmName !== undefined) selector.realms = [request.realmName];
}
