import type { Authentication, RealmRef } from "../model/authentication.js";

/**
 * The realm the effective user of `auth` belongs to: for an API key (not run-as) its owner's
 * realm, otherwise the lookup realm (which is the authenticating realm unless run-as was used).
 * Two subjects are the same user only when both this realm and the username agree: realms are
 * independent user namespaces, and a name in one says nothing about the same name in another.
 */
export function subjectRealm(auth: Authentication): RealmRef {
  return auth.effectiveApiKey?.creatorRealm ?? auth.lookupRealm;
}
