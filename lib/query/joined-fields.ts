/**
 * API-key fields stored outside the key documents (usage: `last_used`), joined by key id.
 *
 * The translators build filters as if such a field were part of the key document
 * (`{last_used: {$gte: …}}`); {@link resolveJoinedFilter} then replaces each condition on a joined
 * path with the set of key ids whose joined document matches it (`{_id: {$in: […]}}`, or its
 * negation when the condition also matches keys without a joined value), so every other part of
 * the engine (count, hits, `search_after`, aggregations) keeps querying the key collection alone.
 * Sorting on a joined field cannot be done by the server; `query-api-keys.ts` sorts those in memory.
 */
import { isPlainObject } from "../support/is-plain-object.js";
import { illegalArgument } from "../support/security-error.js";
import type { StoredDocument } from "./document-values.js";
import { and, matchNone, nor, or, type MongoFilter } from "./mongo-filter.js";
import type { ApiKeySort } from "./api-key-sort.js";

/** A source of joined fields (implemented by the API-key usage store). */
export interface JoinedFields {
  /** Stored paths served by this source (`last_used`). */
  readonly paths: ReadonlySet<string>;
  /** Ids whose joined document matches `condition` (a filter over {@link paths}), at most `limit + 1`. */
  idsMatching(condition: MongoFilter, limit: number): Promise<string[]>;
  /** Joined values of `ids`, by id (ids without any are absent). */
  valuesFor(ids: readonly string[]): Promise<ReadonlyMap<string, object>>;
}

/** Most key ids one joined condition, or one in-memory sort, may involve. */
export const DEFAULT_MAX_JOINED_KEYS = 100_000;

function tooMany(path: string, max: number, what: string): Error {
  return illegalArgument(`[query_api_keys] ${what} on [${path}] is limited to [${max}] API keys; narrow the query`);
}

/**
 * Whether a condition built by the translators holds for a key without the field (MongoDB's
 * semantics: a missing field equals `null`, and no range or type test matches it).
 */
export function conditionMatchesMissing(condition: unknown): boolean {
  if (!isPlainObject(condition) || !Object.keys(condition).some((key) => key.startsWith("$"))) return condition === null;
  for (const [operator, operand] of Object.entries(condition)) {
    switch (operator) {
      case "$eq":
        if (operand !== null) return false;
        break;
      case "$ne":
        if (operand === null) return false;
        break;
      case "$in":
        if (!Array.isArray(operand) || !operand.includes(null)) return false;
        break;
      case "$nin":
        if (Array.isArray(operand) && operand.includes(null)) return false;
        break;
      case "$exists":
        if (operand !== false) return false;
        break;
      case "$gt":
      case "$gte":
      case "$lt":
      case "$lte":
      case "$type":
      case "$regex":
      case "$options":
        return false;
      default:
        throw new TypeError(`joined fields: operator ${operator} is not supported`);
    }
  }
  return true;
}

/** Whether `filter` has a condition on one of `paths` anywhere. */
export function mentionsJoined(filter: MongoFilter, paths: ReadonlySet<string>): boolean {
  for (const [key, value] of Object.entries(filter)) {
    if (paths.has(key)) return true;
    if ((key === "$and" || key === "$or" || key === "$nor") && Array.isArray(value)) {
      if (value.some((member) => isPlainObject(member) && mentionsJoined(member, paths))) return true;
    }
  }
  return false;
}

/** Whether a sort names a joined field (then it is sorted in memory). */
export function sortUsesJoined(sort: ApiKeySort | undefined, joined: JoinedFields | undefined): boolean {
  return joined !== undefined && (sort ?? []).some((key) => joined.paths.has(key.path));
}

/**
 * Replaces every condition on a joined path with a condition on `_id`. Costs one query of the
 * joined collection per such condition; none when the filter has none.
 * @throws SecurityError 400 when one condition involves more than `max` keys.
 */
export async function resolveJoinedFilter(
  filter: MongoFilter,
  joined: JoinedFields,
  max: number = DEFAULT_MAX_JOINED_KEYS,
): Promise<MongoFilter> {
  if (!mentionsJoined(filter, joined.paths)) return filter;
  const parts: MongoFilter[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if ((key === "$and" || key === "$or" || key === "$nor") && Array.isArray(value)) {
      const members = await Promise.all(value.map((member: MongoFilter) => resolveJoinedFilter(member, joined, max)));
      parts.push(key === "$and" ? and(members) : key === "$or" ? or(members) : nor(members));
    } else if (joined.paths.has(key)) {
      parts.push(await resolveCondition(key, value, joined, max));
    } else {
      parts.push({ [key]: value });
    }
  }
  return and(parts);
}

async function resolveCondition(path: string, condition: unknown, joined: JoinedFields, max: number): Promise<MongoFilter> {
  // Keys without a joined document have no value: when the condition holds for them, select the
  // complement of the joined documents that fail it instead.
  const missingMatches = conditionMatchesMissing(condition);
  const onJoined: MongoFilter = { [path]: condition };
  const ids = await joined.idsMatching(missingMatches ? nor([onJoined]) : onJoined, max);
  if (ids.length > max) throw tooMany(path, max, "a query");
  const selected = ids.length === 0 ? matchNone() : { _id: { $in: ids } };
  return missingMatches ? nor([selected]) : selected;
}

/**
 * Copies of `docs` carrying their joined values (documents without any are returned as they are).
 */
export async function attachJoinedValues<T extends StoredDocument>(docs: readonly T[], joined: JoinedFields): Promise<T[]> {
  if (docs.length === 0) return [];
  const values = await joined.valuesFor(docs.map((doc) => String(doc._id)));
  return docs.map((doc) => {
    const extra = values.get(String(doc._id));
    return extra === undefined ? doc : { ...doc, ...extra };
  });
}

/** The 400 of an in-memory sort over too many keys. */
export function tooManyToSort(path: string, max: number): Error {
  return tooMany(path, max, "sorting");
}
