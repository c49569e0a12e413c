import { auditActor } from "../../audit/audit-actor.js";
import type { Authentication } from "../../model/authentication.js";
import { retryPause } from "../../support/retry-pause.js";
import { illegalArgument, notFoundError, SecurityError } from "../../support/security-error.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import type { SetApiKeyEnabledResponse } from "./api-key-responses.js";
import { keyOf, ownerRealms } from "./own-key-request.js";

const MAX_ATTEMPTS = 20;

/**
 * `POST /_security/api_key/{id}/_disable` and `_enable`. A disabled key is refused (401) like an
 * invalidated one, on this instance at once and on every other at its next change-journal poll,
 * but keeps its secret and can be enabled again. `manage_api_key` (or higher) disables and
 * enables any key; with `manage_own_api_key` an owner disables its own key (an API key only
 * itself) and enables it again only if the owner was the one who disabled it, so an owner cannot
 * undo a provider's suspension.
 */
export async function setApiKeyEnabled(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  id: string,
  enabled: boolean,
): Promise<SetApiKeyEnabledResponse> {
  const action = enabled ? API_KEY_ACTIONS.enable : API_KEY_ACTIONS.disable;
  const permission = await ctx.authorizer.permissionFor(caller);
  const full = permission.grantsClusterAction(action);
  if (!full && !permission.grantsClusterAction(action, { ownApiKeyRequest: true })) throw ctx.authorizer.denied(caller, action);
  const verb = enabled ? "enable" : "disable";

  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await retryPause(attempt);
    const doc = await ctx.store.getWithoutHash(id);
    if (!full) {
      const key = keyOf(caller);
      const owned =
        doc !== null &&
        (key ? key.id === id : doc.creator.principal === caller.user.username && ownerRealms(caller).includes(doc.creator.realm));
      if (!owned) throw notFoundError(`no API key owned by requesting user found for ID [${id}]`);
    }
    if (!doc) throw notFoundError(`no API key found for ID [${id}]`);
    if (doc.invalidated) throw illegalArgument(`cannot ${verb} invalidated API key [${id}]`);
    if ((doc.enabled !== false) === enabled) return { id, enabled, updated: false };
    if (enabled && !full && doc.disabled_by_owner !== true) {
      throw new SecurityError(
        403,
        "security_exception",
        `API key [${id}] was disabled by a user with the [manage_api_key] privilege; only such a user can enable it`,
      );
    }
    const change = enabled
      ? { enabled: true, disabled_at: null, disabled_by_owner: false }
      : { enabled: false, disabled_at: ctx.clock(), disabled_by_owner: !full };
    if (await ctx.store.compareAndSet(id, doc.version, change)) {
      // Refresh (not evict): the cached verified secret stays usable, the document is read again.
      await ctx.journal.append({ kind: "api_key.update", keys: [id] });
      ctx.audit?.emit(() => ({
        type: enabled ? "api_key_enable" : "api_key_disable",
        timestamp: new Date().toISOString(),
        caller: auditActor(caller),
        owner: { username: doc.creator.principal, realm: doc.creator.realm },
        ids: [id],
      }));
      return { id, enabled, updated: true };
    }
  }
  throw new SecurityError(409, "version_conflict_engine_exception", `[${id}]: version conflict, the API key was changed concurrently`);
}
