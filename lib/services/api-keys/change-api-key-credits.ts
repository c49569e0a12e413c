import { auditActor } from "../../audit/audit-actor.js";
import type { Authentication } from "../../model/authentication.js";
import { isPlainObject, typeName } from "../../support/json-input.js";
import { illegalArgument, notFoundError, parseError, validationError, xContentParseError } from "../../support/security-error.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import type { ApiKeyCreditsResponse } from "./api-key-responses.js";
import { authorizeApiKeyAction } from "./authorize-api-key-action.js";

const MAX_COUNT = 1_000_000_000_000;

/** `{remaining: n}` (set the whole balance) or `{add: n}` (top up), exactly one. */
export type ApiKeyCreditsChange = { remaining: number } | { add: number };

function parseCreditsChange(body: unknown): ApiKeyCreditsChange {
  if (body === undefined || body === null || body === "") throw parseError("request body is required");
  if (!isPlainObject(body)) throw xContentParseError(`request body must be a JSON object but found [${typeName(body)}]`);
  for (const key of Object.keys(body))
    if (key !== "remaining" && key !== "add") throw xContentParseError(`[api_key_credits] unknown field [${key}]`);
  for (const key of ["remaining", "add"] as const) {
    const value = body[key];
    if (value !== undefined && typeof value !== "number")
      throw xContentParseError(`[api_key_credits] ${key} doesn't support values of type: ${typeName(value)}`);
  }
  const { remaining, add } = body as { remaining?: number; add?: number };
  if ((remaining === undefined) === (add === undefined)) throw validationError("exactly one of [remaining] and [add] must be given");
  if (remaining !== undefined) {
    if (!Number.isInteger(remaining) || remaining < 0 || remaining > MAX_COUNT) {
      throw validationError(`[remaining] must be an integer between 0 and ${MAX_COUNT} but was [${remaining}]`);
    }
    return { remaining };
  }
  const amount = add as number;
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_COUNT) {
    throw validationError(`[add] must be an integer between 1 and ${MAX_COUNT} but was [${amount}]`);
  }
  return { add: amount };
}

/**
 * `POST /_security/api_key/{id}/_credits`: sets a key's whole balance (`remaining`, counting
 * credits app instances already hold) or adds to it (`add`, one atomic increment). Only
 * `manage_api_key` (or higher), like `_limits`. The key must have credits (set with create or
 * `_limits`).
 */
export async function changeApiKeyCredits(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  id: string,
  body: unknown,
): Promise<ApiKeyCreditsResponse> {
  await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.credits, false);
  const change = parseCreditsChange(body);
  const doc = await ctx.store.getWithoutHash(id);
  if (!doc) throw notFoundError(`no API key found for ID [${id}]`);
  if (doc.invalidated) throw illegalArgument(`cannot update invalidated API key [${id}]`);
  const state = "add" in change ? await ctx.credits.add(id, change.add) : await ctx.credits.setTotal(id, change.remaining);
  if (state === undefined)
    throw illegalArgument(`API key [${id}] has no credits; give it credits with [PUT /_security/api_key/${id}/_limits]`);
  // Instances that found the key out of credits look again at once.
  await ctx.journal.append({ kind: "api_key.update", keys: [id] });
  ctx.audit?.emit(() => ({ type: "api_key_credits", timestamp: new Date().toISOString(), caller: auditActor(caller), ids: [id] }));
  return { id, credits: state };
}
