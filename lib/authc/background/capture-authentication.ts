import { illegalArgument } from "../../support/security-error.js";
import type { Authentication } from "../../model/authentication.js";
import type { AuthenticationRecord } from "./authentication-record.js";

export interface CaptureOptions {
  /** Where the subject came from (`es-secondary-authorization` or the primary credentials). */
  source: "primary" | "secondary";
  /** Milliseconds since the epoch, stored as `captured_at`. */
  now: number;
  /** Whether the realm of that name exists and can look users up (restore depends on it). */
  canLookup(realmName: string): boolean;
}

/**
 * The storable record of `subject` (see {@link AuthenticationRecord}). An API key is recorded by
 * id; every other identity by its effective user and that user's realm, so that work outlives
 * the token or session it was set up with. Anonymous subjects, and users of realms that cannot
 * look users up, are refused with a 400: they could never be restored.
 */
export function captureAuthentication(subject: Authentication, options: CaptureOptions): AuthenticationRecord {
  if (subject.type === "anonymous" || subject.type === "internal") {
    throw illegalArgument(`an identity authenticated as [${subject.type}] cannot be captured for background work`);
  }
  const common = { version: 1 as const, username: subject.user.username, source: options.source, captured_at: options.now };
  // A run-as subject acts as its target user, never as the key or token that authenticated it.
  const key = subject.effectiveApiKey;
  if (key) {
    return {
      ...common,
      type: "api_key",
      realm: { ...key.creatorRealm },
      authentication_type: subject.type === "token" ? "token" : "api_key",
      api_key: { id: key.id, name: key.name },
    };
  }
  const realm = subject.lookupRealm;
  if (!options.canLookup(realm.name)) {
    throw illegalArgument(
      `user [${subject.user.username}] of realm [${realm.name}] cannot be captured for background work: the realm does not support looking users up`,
    );
  }
  return { ...common, type: "realm", realm: { ...realm }, authentication_type: subject.type === "token" ? "token" : "realm" };
}
