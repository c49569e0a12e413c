/**
 * Putting documents in Elasticsearch's sort order on MongoDB: the present/absent partitions of
 * a result that MongoDB alone would order differently, and the in-memory comparator that merges
 * them.
 */
import type { ApiKeyField } from "./api-key-fields.js";
import type { ApiKeySort, ApiKeySortKey } from "./api-key-sort.js";
import { compareRaw, compareStrings, projectionFor, rawFieldValues, type RawValue, type StoredDocument } from "./document-values.js";
import { and, nor, type MongoFilter } from "./mongo-filter.js";

function needsPartition(key: ApiKeySortKey): boolean {
  const field = key.field;
  if (!field || !field.nullable) return false;
  if (field.missingAs !== undefined) return true;
  // MongoDB's own placement: missing first ascending, last descending.
  return (key.order === "asc") === (key.missing === "_last");
}

export function countPartitioned(sort: ApiKeySort): number {
  const paths = new Set<string>();
  for (const key of sort) if (needsPartition(key)) paths.add(key.path);
  return paths.size;
}

/** Documents holding a value for the field. */
export function presentFilter(field: ApiKeyField): MongoFilter {
  if (field.flattened === "root") return { [field.path]: { $type: "string" } };
  if (field.flattened === "path") return { [field.path]: { $type: ["string", "number", "bool"] } };
  if (field.multiValued) return { [field.path]: { $nin: [null, []] } };
  return { [field.path]: { $ne: null } };
}

/** Documents without a value for the field. */
export function missingFilter(field: ApiKeyField): MongoFilter {
  if (field.flattened || field.multiValued) return nor([presentFilter(field)]);
  return { [field.path]: { $eq: null } };
}

/**
 * The filters splitting a result so that each part is in Elasticsearch order when MongoDB sorts it
 * with `mongoSortSpec`; one `{}` when no split is needed. Merge the parts with
 * {@link compareForSort}.
 */
export function sortPartitions(sort: ApiKeySort | undefined): MongoFilter[] {
  let partitions: MongoFilter[][] = [[]];
  const seen = new Set<string>();
  for (const key of sort ?? []) {
    if (!needsPartition(key) || !key.field || seen.has(key.path)) continue;
    seen.add(key.path);
    const field = key.field;
    partitions = partitions.flatMap((parts) => [
      [...parts, presentFilter(field)],
      [...parts, missingFilter(field)],
    ]);
  }
  return partitions.map((parts) => and(parts));
}

export type KeyValue = { missing: true } | { missing: false; value: RawValue };

export function keyValue(doc: StoredDocument, key: ApiKeySortKey): KeyValue {
  if (!key.field) {
    const id = doc._id;
    return { missing: false, value: typeof id === "string" || typeof id === "number" ? id : String(id) };
  }
  let values = rawFieldValues(doc, key.field);
  if (key.kind === "date" || key.kind === "long") values = values.filter((v) => typeof v === "number");
  if (values.length === 0) return { missing: true };
  let chosen = values[0] as RawValue;
  for (const value of values) {
    const c = compareRaw(value, chosen);
    if (key.order === "asc" ? c < 0 : c > 0) chosen = value;
  }
  return { missing: false, value: chosen };
}

function compareIds(a: StoredDocument, b: StoredDocument): number {
  const ia = a._id;
  const ib = b._id;
  if (typeof ia === "string" && typeof ib === "string") return compareStrings(ia, ib);
  return compareStrings(String(ia), String(ib));
}

/**
 * A comparator putting documents in the order of the sort (Elasticsearch's: missing values per
 * `missing`, multi-valued fields by their min ascending / max descending), then by `_id`.
 */
export function compareForSort(sort: ApiKeySort | undefined): (a: StoredDocument, b: StoredDocument) => number {
  const keys = sort ?? [];
  return (a, b) => {
    for (const key of keys) {
      const va = keyValue(a, key);
      const vb = keyValue(b, key);
      if (va.missing || vb.missing) {
        if (va.missing && vb.missing) continue;
        const missingAfter = key.missing === "_last";
        return va.missing === missingAfter ? 1 : -1;
      }
      const c = compareRaw(va.value, vb.value);
      if (c !== 0) return key.order === "asc" ? c : -c;
    }
    return compareIds(a, b);
  };
}

/** Projection of the fields a sort needs (plus `_id`), for merging partitions cheaply. */
export function sortProjection(sort: ApiKeySort | undefined): Record<string, 1> {
  return projectionFor((sort ?? []).map((key) => key.path));
}
