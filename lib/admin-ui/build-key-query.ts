import type { Viewer } from "./key-ownership.js";
import { ownerRealm } from "./key-ownership.js";
import type { ListQuery } from "./list-query.js";

type Clause = Record<string, unknown>;

/** The body of `POST /_security/_query/api_key` for one page of the list. */
export interface KeyQueryBody {
  size: number;
  sort: [Record<string, { order: string }>, "_doc"];
  query?: { bool: { filter?: Clause[]; must_not?: Clause[] } };
  search_after?: unknown[];
}

/**
 * Text typed into a filter matches anywhere, unless it already holds a wildcard: then it is the
 * whole pattern. A backslash is the wildcard query's escape character, so a typed one is doubled.
 */
export function wildcardPattern(text: string): string {
  if (/[*?]/.test(text)) return text;
  return "*" + text.replace(/\\/g, "\\\\") + "*";
}

/** `searchAfter`: the sort values of the last key of the previous page, `null` on the first. */
export function buildKeyQuery(query: ListQuery, viewer: Viewer, searchAfter: unknown[] | null): KeyQueryBody {
  const filter: Clause[] = [];
  const mustNot: Clause[] = [];
  const { me, can } = viewer;
  if (can.readAll && query.scope === "own") {
    filter.push({ term: { username: me.username } });
    const realm = ownerRealm(me);
    if (!me.api_key && realm) filter.push({ term: { realm_name: realm } });
  }
  if (query.name) filter.push({ wildcard: { name: { value: wildcardPattern(query.name), case_insensitive: true } } });
  if (query.owner && can.readAll) filter.push({ wildcard: { username: { value: wildcardPattern(query.owner), case_insensitive: true } } });
  if (query.status === "active") {
    filter.push({ term: { invalidated: false } });
    mustNot.push({ range: { expiration: { lte: "now" } } });
    mustNot.push({ term: { enabled: false } });
  } else if (query.status === "disabled") {
    filter.push({ term: { invalidated: false } }, { term: { enabled: false } });
    mustNot.push({ range: { expiration: { lte: "now" } } });
  } else if (query.status === "expired") {
    filter.push({ term: { invalidated: false } });
    filter.push({ range: { expiration: { lte: "now" } } });
  } else if (query.status === "invalidated") {
    filter.push({ term: { invalidated: true } });
  }
  // _doc (the key id) breaks ties, so search_after never skips keys that share a name or date.
  const body: KeyQueryBody = { size: query.size, sort: [{ [query.sortField]: { order: query.sortOrder } }, "_doc"] };
  if (filter.length > 0 || mustNot.length > 0) {
    body.query = { bool: { ...(filter.length > 0 ? { filter } : {}), ...(mustNot.length > 0 ? { must_not: mustNot } : {}) } };
  }
  if (searchAfter) body.search_after = searchAfter;
  return body;
}
