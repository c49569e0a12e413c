import { isSecurityError } from "../../support/security-error.js";
import { Authentication, type User } from "../../model/authentication.js";
import type { Realm } from "../../model/realm.js";
import { realmRef } from "../realms/realm-ref.js";
import { parseAuthenticationRecord, type ApiKeyAuthenticationRecord, type RealmAuthenticationRecord } from "./authentication-record.js";
import { IdentityRevokedError } from "./identity-revoked-error.js";

export interface AuthenticationRestorerDeps {
  /** The realm of that name in the authentication chain, if any. */
  findRealm(name: string): Realm | undefined;
  /** Re-validates an API key by id (401 `SecurityError` when it is no longer usable). */
  authenticationForKey(id: string): Promise<Authentication>;
}

/**
 * Turns stored {@link AuthenticationRecord}s back into `Authentication`s, checking the identity
 * again every time: a realm user must still exist and be enabled (its roles are whatever the
 * realm says now), an API key must still exist, be valid and belong to the recorded owner.
 */
export class AuthenticationRestorer {
  constructor(private readonly deps: AuthenticationRestorerDeps) {}

  /**
   * @throws InvalidAuthenticationRecordError (400) when `value` is not a record
   * @throws IdentityRevokedError (401) when the identity is no longer valid
   * @throws SecurityError with another status (e.g. 503) when the check itself could not be made
   */
  async restore(value: unknown): Promise<Authentication> {
    const record = parseAuthenticationRecord(value);
    return record.type === "api_key" ? this.restoreApiKey(record) : this.restoreUser(record);
  }

  private async restoreUser(record: RealmAuthenticationRecord): Promise<Authentication> {
    const realm = this.deps.findRealm(record.realm.name);
    if (!realm || realm.type !== record.realm.type || !realm.lookup) {
      throw new IdentityRevokedError(
        "realm_not_found",
        `realm [${record.realm.name}] of type [${record.realm.type}] no longer exists or cannot look users up`,
      );
    }
    const found: User | null = await realm.lookup(record.username);
    if (!found || found.username !== record.username) {
      throw new IdentityRevokedError("user_not_found", `user [${record.username}] no longer exists in realm [${record.realm.name}]`);
    }
    if (!found.enabled) throw new IdentityRevokedError("user_disabled", `user [${record.username}] is disabled`);
    return new Authentication({ user: found, authenticationRealm: realmRef(realm), type: "realm" });
  }

  private async restoreApiKey(record: ApiKeyAuthenticationRecord): Promise<Authentication> {
    const id = record.api_key.id;
    let auth: Authentication;
    try {
      auth = await this.deps.authenticationForKey(id);
    } catch (error) {
      if (!isSecurityError(error) || error.status !== 401) throw error;
      const detail = String(error.metadata.additional_unsuccessful_credentials ?? error.reason);
      const cause = detail.includes("invalidated")
        ? "api_key_invalidated"
        : detail.includes("expired")
          ? "api_key_expired"
          : "api_key_not_found";
      throw new IdentityRevokedError(cause, `API key [${id}] can no longer be used: ${detail}`, error);
    }
    const creatorRealm = auth.apiKey?.creatorRealm;
    // The record is the host app's data: a key id pointing at someone else's key is not that owner's.
    if (auth.user.username !== record.username || creatorRealm?.name !== record.realm.name) {
      throw new IdentityRevokedError(
        "api_key_owner_changed",
        `API key [${id}] is not owned by user [${record.username}] of realm [${record.realm.name}]`,
      );
    }
    return auth;
  }
}
