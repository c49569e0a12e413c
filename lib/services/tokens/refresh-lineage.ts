import { createHash } from "node:crypto";
import type { Authentication } from "../../model/authentication.js";

/** The id of the token a refresh of document `id` mints: derived, so that inserting it is the claim. */
export function successorIdOf(id: string): string {
  return createHash("sha256").update(`successor:${id}`, "utf8").digest("base64url").slice(0, 20);
}

/** Who may use a refresh token: the client that created it (Elasticsearch's `canAccessResourcesOf`). */
export function clientOf(auth: Authentication): string {
  const key = auth.effectiveApiKey;
  if (key) return `api_key:${key.id}`;
  return `user:${auth.lookupRealm.name}/${auth.user.username}`;
}
