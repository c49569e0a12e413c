/** The realm-cache interface of `Security`. Types only. */
import type { Authentication } from "../model/authentication.js";
import type { ClearCacheResponse } from "../services/clear-cache-response.js";

/** Realm caches for code (`/_security/realm`). */
export interface Realms {
  /**
   * Evicts cached users of realms (`POST /_security/realm/{realms}/_clear_cache`) through each
   * realm's `clearCache`, on this instance at once and on every other at its next
   * change-journal poll.
   * @param caller - needs `manage_security`
   * @param realms - realm names; none or `*` for every realm
   * @param usernames - only these users; none for every user
   * @throws SecurityError 400 for a realm the chain does not have; 403 without `manage_security`
   */
  clearCache(caller: Authentication, realms?: readonly string[], usernames?: readonly string[]): Promise<ClearCacheResponse>;
}
