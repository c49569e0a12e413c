import { renderApiKeyInfo, type ApiKeyInfo } from "../../authc/api-key/api-key-document.js";
import type { Authentication } from "../../model/authentication.js";
import { booleanParam, parseQueryApiKeysRequest, queryApiKeys, type QueryApiKeysResult } from "../../query/index.js";
import { ApiKeyStore, type ApiKeyDocWithoutHash, type ApiKeySelector } from "../../store/api-key-store.js";
import { storeTimeLimitOf } from "../../store/store-time-limit.js";
import { addRateLimitUsage, type RenderedLimits } from "./add-rate-limit-usage.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import { parseGetRequest, type GetApiKeyParams } from "./api-key-requests.js";
import type { GetApiKeyResponse } from "./api-key-responses.js";
import { authorizeApiKeyAction } from "./authorize-api-key-action.js";
import { nameMatch } from "./name-match.js";
import { isOwnKeyRequest, keyOf, ownerRealms, selectOwner } from "./own-key-request.js";

/** `_query/api_key` parameters (booleans, or the query-string spellings `"true"`/`"false"`/`""`). */
export interface QueryApiKeyParams {
  with_limited_by?: boolean | string;
  with_profile_uid?: boolean | string;
  typed_keys?: boolean | string;
}

/** `GET /_security/api_key`. */
export async function getApiKeys(ctx: ApiKeyActionContext, caller: Authentication, params?: GetApiKeyParams): Promise<GetApiKeyResponse> {
  const request = parseGetRequest(params);
  const own = isOwnKeyRequest(caller, request, (key) => !request.withLimitedBy && request.id === key.id);
  await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.get, own);
  const selector: ApiKeySelector = {};
  selectOwner(selector, caller, request);
  if (request.id !== undefined) selector.ids = [request.id];
  const name = nameMatch(request.name);
  if (name) selector.name = name;
  if (request.activeOnly) {
    selector.excludeInvalidated = true;
    selector.excludeExpiredAt = ctx.clock();
  }
  const docs = await ctx.store.find(selector);
  const usage = await ctx.usageStore.valuesFor(docs.map((doc) => doc._id));
  const api_keys = docs.map((doc) => renderApiKeyInfo({ ...doc, ...usage.get(doc._id) }, { withLimitedBy: request.withLimitedBy }));
  await addRateLimitUsage(
    ctx.rateWindows,
    docs.map((doc, i) => ({ id: doc._id, info: api_keys[i] as ApiKeyInfo, stored: doc.limits })),
    ctx.clock(),
  );
  return { api_keys };
}

/**
 * `GET|POST /_security/_query/api_key`. `manage_own_api_key` callers see only their own keys
 * (an API key only itself); `read_security` and above see all.
 */
export async function queryApiKeysAs(
  ctx: ApiKeyActionContext,
  caller: Authentication,
  body: unknown,
  params: QueryApiKeyParams,
): Promise<QueryApiKeysResult<ApiKeyInfo>> {
  const now = ctx.clock();
  const key = keyOf(caller);
  // The privilege check comes before the body is read: parsing a query costs CPU, and a caller
  // who may not query keys must not get to spend it. Only the URL flag it depends on is read first.
  // An API key needs manage_api_key or higher to see limited-by descriptors.
  const withLimitedBy = booleanParam(params.with_limited_by);
  const { full } = await authorizeApiKeyAction(ctx.authorizer, caller, API_KEY_ACTIONS.query, !(key && withLimitedBy));
  const request = parseQueryApiKeysRequest(body ?? undefined, params, now);
  let scopeFilter: Record<string, unknown> = {};
  if (!full) {
    scopeFilter = key
      ? ApiKeyStore.filterOf({ ids: [key.id] })
      : ApiKeyStore.filterOf({ username: caller.user.username, realms: ownerRealms(caller) });
  }
  // The query engine talks to the driver directly: it gets the store's time limit explicitly.
  const limit = storeTimeLimitOf(ctx.store.model);
  const rendered: RenderedLimits[] = [];
  const result = await limit.run(
    queryApiKeys(ctx.store.model.collection, request, {
      scopeFilter,
      now,
      joined: ctx.usageStore,
      render: (doc, options) => {
        const stored = doc as unknown as ApiKeyDocWithoutHash;
        const info = renderApiKeyInfo(stored, options);
        if (stored.limits) rendered.push({ id: stored._id, info, stored: stored.limits });
        return info;
      },
      ...limit.options,
    }),
  );
  await addRateLimitUsage(ctx.rateWindows, rendered, ctx.clock());
  return result;
}
