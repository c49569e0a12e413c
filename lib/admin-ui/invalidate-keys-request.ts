import type { ApiKeyInfo, InvalidateApiKeysAnswer } from "./api-types.js";
import type { Viewer } from "./key-ownership.js";

/** The body of `DELETE /_security/api_key`. */
export interface InvalidateKeysBody {
  ids: string[];
  owner?: true;
}

export function invalidateKeysRequest(keys: readonly ApiKeyInfo[], viewer: Viewer): InvalidateKeysBody {
  const body: InvalidateKeysBody = { ids: keys.map((key) => key.id) };
  // Without manage_api_key the request must be scoped to the caller's own keys; an API key may
  // only name itself.
  if (!viewer.can.manageAll && !viewer.me.api_key) body.owner = true;
  return body;
}

/** What the answer says: the notice to show, and the keys that failed, if any. */
export function invalidationOutcome(answer: InvalidateApiKeysAnswer | null): { notice: string; failure: string | null } {
  const done = answer?.invalidated_api_keys ?? [];
  const before = answer?.previously_invalidated_api_keys ?? [];
  let notice = "Invalidated " + done.length + (done.length === 1 ? " key." : " keys.");
  if (before.length > 0) notice += " " + before.length + " had been invalidated already.";
  const errors = answer?.error_count ?? 0;
  const failure =
    errors > 0 ? errors + " could not be invalidated: " + (answer?.error_details ?? []).map((detail) => detail.reason).join("; ") : null;
  return { notice, failure };
}
