import { auditActor } from "../../audit/audit-actor.js";
import { renderApiKeyLimits } from "../../authc/api-key/render-api-key-limits.js";
import type { Authentication } from "../../model/authentication.js";
import type { ApiKeyLimitsWrite } from "../../store/api-key-store.js";
import type { ApiKeyLimitsDoc } from "../../store/store-documents.js";
import { isPlainObject } from "../../support/json-input.js";
import { retryPause } from "../../support/retry-pause.js";
import { illegalArgument, notFoundError, parseError, SecurityError, validationError } from "../../support/security-error.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import type { SetApiKeyLimitsResponse } from "./api-key-responses.js";
import { authorizeApiKeyAction } from "./authorize-api-key-action.js";
import { parseApiKeyLimits } from "./parse-api-key-limits.js";
import { storedRateLimits, storedRefill } from "./stored-api-key-limits.js";

const MAX_ATTEMPTS = 20;

/**
 * `PUT /_security/api_key/{id}/_limits`: replaces a key's rate limits and credit settings (`{}`
 * removes them all). Only `manage_api_key` (or higher): an owner restricts a key when creating
 * it, but must not lift limits an API provider set. Credits: `remaining`, when given, makes the
 * whole balance that much (credits instances already hold count); when not given the balance is
 * kept. Every instance picks the new limits up at its next change-journal poll.
 */
export async function setApiKeyLimits(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  id: string,
  body: unknown,
): Promise<SetApiKeyLimitsResponse> {
  await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.limits, false);
  if (body === undefined || body === null || body === "") throw parseError("request body is required");
  if (!isPlainObject(body)) throw parseError("request body must be a JSON object");
  const problems: string[] = [];
  const parsed = parseApiKeyLimits(body, problems, "api_key_limits") ?? { rateLimits: [], credits: undefined };
  if (problems.length > 0) throw validationError(problems);

  let written: ApiKeyLimitsDoc | undefined;
  let done = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && !done; attempt++) {
    if (attempt > 0) await retryPause(attempt);
    const doc = await ctx.store.getWithoutHash(id);
    if (!doc) throw notFoundError(`no API key found for ID [${id}]`);
    if (doc.invalidated) throw illegalArgument(`cannot update invalidated API key [${id}]`);
    const now = ctx.clock();
    const current = doc.limits?.credits;
    const change: ApiKeyLimitsWrite = { rateLimits: storedRateLimits(parsed) };
    if (parsed.credits) {
      const refill = parsed.credits.refill ? storedRefill(parsed.credits.refill, now) : undefined;
      const total = parsed.credits.remaining;
      if (current) {
        const leased = current.leased ?? 0;
        change.credits = { fresh: false, remaining: total === undefined ? undefined : Math.max(0, total - leased), refill };
        if (total !== undefined) change.leased = leased;
      } else {
        const remaining = total ?? refill?.amount;
        if (remaining === undefined) throw validationError("[limits.credits] needs [remaining] or a [refill]");
        change.credits = { fresh: true, remaining, refill };
      }
    }
    if (await ctx.store.replaceLimits(id, doc.version, change)) {
      done = true;
      written = (await ctx.store.getWithoutHash(id))?.limits;
    }
  }
  if (!done)
    throw new SecurityError(409, "version_conflict_engine_exception", `[${id}]: version conflict, the API key was changed concurrently`);
  await ctx.journal.append({ kind: "api_key.update", keys: [id] });
  ctx.audit?.emit(() => ({ type: "api_key_limits", timestamp: new Date().toISOString(), caller: auditActor(caller), ids: [id] }));
  const limits = renderApiKeyLimits(written);
  return { id, ...(limits ? { limits } : {}) };
}
