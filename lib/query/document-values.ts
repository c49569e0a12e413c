/**
 * Reading an allowed field's values out of a stored API-key document, the way Elasticsearch's doc
 * values would present them: arrays are flattened, null is no value, `type` defaults to `rest`,
 * and flattened metadata leaves read as keywords.
 */
import type { ApiKeyField } from "./api-key-fields.js";

/** A raw stored leaf value (what MongoDB compares and sorts). */
export type RawValue = string | number | boolean;

/** A stored API-key document as the query layer sees it. */
export type StoredDocument = { readonly [key: string]: unknown };

/**
 * The scalar leaves at a dotted path, descending through arrays (MongoDB's and Elasticsearch's
 * flattening). Objects are not leaves; only own properties are followed.
 */
export function leafValues(doc: StoredDocument, path: string): RawValue[] {
  const out: RawValue[] = [];
  collect(doc, path.split("."), 0, out);
  return out;
}

function collect(value: unknown, segments: readonly string[], index: number, out: RawValue[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, segments, index, out);
    return;
  }
  if (index === segments.length) {
    if (typeof value === "string" || typeof value === "boolean") out.push(value);
    else if (typeof value === "number" && Number.isFinite(value)) out.push(value);
    return;
  }
  if (typeof value !== "object" || value === null) return;
  const segment = segments[index] as string;
  if (!Object.prototype.hasOwnProperty.call(value, segment)) return;
  collect((value as Record<string, unknown>)[segment], segments, index + 1, out);
}

/** Stored values as they are (numbers stay numbers): the basis of sorting. `type` defaults to `rest`. */
export function rawFieldValues(doc: StoredDocument, field: ApiKeyField): RawValue[] {
  const values = leafValues(doc, field.path);
  if (values.length === 0 && field.missingAs !== undefined) return [field.missingAs];
  if (values.length === 0 && field.missingBoolean !== undefined) return [field.missingBoolean];
  return values;
}

/**
 * Values with the field's type applied: keywords (including flattened metadata) as strings,
 * dates as epoch-ms numbers, booleans as booleans. Values of the wrong stored type are skipped.
 */
export function typedFieldValues(doc: StoredDocument, field: ApiKeyField): RawValue[] {
  const raw = rawFieldValues(doc, field);
  switch (field.kind) {
    case "keyword":
      return raw.map((value) => (typeof value === "string" ? value : String(value)));
    case "date":
    case "long":
      return raw.filter((value): value is number => typeof value === "number");
    case "boolean":
      return raw.filter((value): value is boolean => typeof value === "boolean");
  }
}

/** MongoDB's cross-type order for the scalars we store: numbers, then strings, then booleans. */
function typeRank(value: RawValue): number {
  if (typeof value === "number") return 1;
  if (typeof value === "string") return 2;
  return 3;
}

/** Compares strings by code point, i.e. by their UTF-8 bytes, as MongoDB and Lucene do. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0;
}

/** MongoDB's order between two scalar values. */
export function compareRaw(a: RawValue, b: RawValue): number {
  const rank = typeRank(a) - typeRank(b);
  if (rank !== 0) return rank < 0 ? -1 : 1;
  if (typeof a === "string") return compareStrings(a, b as string);
  if (typeof a === "number") return a < (b as number) ? -1 : a > (b as number) ? 1 : 0;
  return a === b ? 0 : a ? 1 : -1;
}

/**
 * A MongoDB inclusion projection of `_id` and `paths`, without path collisions: a path inside
 * another requested one (`metadata.a.b` under `metadata.a`) is covered by it and left out.
 */
export function projectionFor(paths: Iterable<string>): Record<string, 1> {
  const unique = [...new Set(paths)].filter((p) => p !== "_id").sort((a, b) => a.length - b.length);
  const kept: string[] = [];
  for (const path of unique) {
    if (kept.some((k) => path.startsWith(k + "."))) continue;
    kept.push(path);
  }
  const projection: Record<string, 1> = { _id: 1 };
  for (const path of kept) projection[path] = 1;
  return projection;
}
