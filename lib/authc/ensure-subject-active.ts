import { authenticationError } from "../support/security-error.js";
import type { Authentication, RealmRef } from "../model/authentication.js";
import type { Realm } from "../model/realm.js";
import { subjectRealm } from "./subject-realm.js";

/** Where the users behind an authentication are looked up again. */
export interface RealmDirectory {
  findRealm(name: string): Realm | undefined;
}

/**
 * Throws a 401 unless every user behind `auth` (the effective user and, for run-as, the user who
 * presented the credentials) still exists and is enabled in their realm, as that realm answers
 * now. Called before minting a credential (API key, access token) or extending one on somebody's
 * behalf: a token or key carries a snapshot of its user taken when it was made, and an
 * authentication that rests on such a snapshot must not outlive the user by creating credentials
 * that last longer than it does. A realm without `lookup` cannot be asked; its users pass.
 */
export async function ensureSubjectActive(auth: Authentication, realms: RealmDirectory): Promise<void> {
  if (auth.type === "anonymous" || auth.type === "internal") return;
  await ensureUserActive(auth.user.username, subjectRealm(auth), realms);
  if (auth.authenticatingUser) {
    const realm = auth.apiKey ? auth.apiKey.creatorRealm : auth.authenticationRealm;
    await ensureUserActive(auth.authenticatingUser.username, realm, realms);
  }
}

async function ensureUserActive(username: string, ref: RealmRef, realms: RealmDirectory): Promise<void> {
  const realm = realms.findRealm(ref.name);
  if (!realm || realm.type !== ref.type) throw inactive(`realm [${ref.name}] of user [${username}] no longer exists`);
  if (!realm.lookup) return;
  const user = await realm.lookup(username);
  if (!user || user.username !== username) throw inactive(`user [${username}] no longer exists in realm [${ref.name}]`);
  if (!user.enabled) throw inactive(`user [${username}] of realm [${ref.name}] is disabled`);
}

function inactive(why: string) {
  return authenticationError(`${why}: no credentials can be created on its behalf`);
}
