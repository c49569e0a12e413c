/**
 * The MongoDB filter documents the query translator builds. Every object in one is created by this
 * module or the translators, from validated primitive values: no request object is ever copied in.
 */

/** A MongoDB query filter (`find`, `countDocuments`). */
export type MongoFilter = { [key: string]: unknown };

/** Matches every document. */
export function matchAll(): MongoFilter {
  return {};
}

/** Matches no document (an `_id` in the empty set, which both MongoDB and FerretDB answer from the index). */
export function matchNone(): MongoFilter {
  return { _id: { $in: [] } };
}

/** Whether the filter is the empty (match-all) filter. */
export function isMatchAll(filter: MongoFilter): boolean {
  return Object.keys(filter).length === 0;
}

/** Whether the filter is {@link matchNone}'s. */
export function isMatchNone(filter: MongoFilter): boolean {
  const keys = Object.keys(filter);
  if (keys.length !== 1 || keys[0] !== "_id") return false;
  const id = filter._id;
  if (typeof id !== "object" || id === null) return false;
  const inner = Object.keys(id);
  const values = (id as { $in?: unknown }).$in;
  return inner.length === 1 && Array.isArray(values) && values.length === 0;
}

/** Conjunction; drops match-all members, collapses to match-none, flattens nested `$and`s. */
export function and(filters: readonly MongoFilter[]): MongoFilter {
  const members: MongoFilter[] = [];
  for (const filter of filters) {
    if (isMatchNone(filter)) return matchNone();
    if (isMatchAll(filter)) continue;
    const keys = Object.keys(filter);
    if (keys.length === 1 && keys[0] === "$and" && Array.isArray(filter.$and)) {
      members.push(...(filter.$and as MongoFilter[]));
    } else {
      members.push(filter);
    }
  }
  if (members.length === 0) return matchAll();
  if (members.length === 1) return members[0] as MongoFilter;
  return { $and: members };
}

/** Disjunction; drops match-none members, collapses to match-all. */
export function or(filters: readonly MongoFilter[]): MongoFilter {
  const members: MongoFilter[] = [];
  for (const filter of filters) {
    if (isMatchAll(filter)) return matchAll();
    if (isMatchNone(filter)) continue;
    const keys = Object.keys(filter);
    if (keys.length === 1 && keys[0] === "$or" && Array.isArray(filter.$or)) {
      members.push(...(filter.$or as MongoFilter[]));
    } else {
      members.push(filter);
    }
  }
  if (members.length === 0) return matchNone();
  if (members.length === 1) return members[0] as MongoFilter;
  return { $or: members };
}

/** Matches documents matching none of `filters` (a bool query's `must_not`). */
export function nor(filters: readonly MongoFilter[]): MongoFilter {
  const members: MongoFilter[] = [];
  for (const filter of filters) {
    if (isMatchAll(filter)) return matchNone();
    if (isMatchNone(filter)) continue;
    members.push(filter);
  }
  if (members.length === 0) return matchAll();
  return { $nor: members };
}

/** Negation of one filter. */
export function not(filter: MongoFilter): MongoFilter {
  return nor([filter]);
}
