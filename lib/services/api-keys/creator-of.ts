import type { Authentication } from "../../model/authentication.js";
import type { ApiKeyCreator } from "../../store/store-documents.js";

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
