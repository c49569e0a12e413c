import { encodeRealmCacheTarget, type RealmCacheTarget } from "../../authc/realms/realm-cache-target.js";
import type { Authorizer } from "../../authz/authorizer.js";
import type { Authentication } from "../../model/authentication.js";
import type { EventsJournal } from "../../store/events-journal.js";
import { illegalArgument } from "../../support/security-error.js";
import { clearCacheResponse, type ClearCacheResponse, type ClusterNode } from "../clear-cache-response.js";

/** `POST /_security/realm/{realms}/_clear_cache`: evicting cached users of realms on every instance. */
export class RealmCacheService {
  constructor(
    private readonly authorizer: Authorizer,
    private readonly journal: EventsJournal,
    /** The names of the realms of the chain, in order. */
    private readonly realmNames: () => readonly string[],
    private readonly node: () => ClusterNode,
  ) {}

  /**
   * Evicts the cached users of `realms` (every realm with none or `*`), only `usernames` when
   * given, here at once and on every other instance at its next journal poll.
   * @throws SecurityError 400 for a realm the chain does not have; 403 without `manage_security`
   */
  async clearCache(caller: Authentication, realms?: readonly string[], usernames?: readonly string[]): Promise<ClearCacheResponse> {
    await this.authorizer.ensureClusterAction(caller, "cluster:admin/xpack/security/realm/cache/clear");
    const users = usernames && usernames.length > 0 ? [...new Set(usernames)] : undefined;
    const all = realms === undefined || realms.length === 0 || realms.includes("*") || realms.includes("_all");
    const known = this.realmNames();
    const named = all ? [] : [...new Set(realms)];
    for (const realm of named) if (!known.includes(realm)) throw illegalArgument(`could not find active realm [${realm}]`);
    const targets: RealmCacheTarget[] = (all ? ["*"] : named).map((realm) => (users ? { realm, usernames: users } : { realm }));
    await this.journal.append({ kind: "realm.clear_cache", keys: targets.map(encodeRealmCacheTarget) });
    return clearCacheResponse(this.node());
  }
}
