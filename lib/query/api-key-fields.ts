/**
 * The allow-list of API-key fields a query, sort or aggregation may name, their stored paths, and
 * the coercion of request values to each field's type. Mirrors Elasticsearch's
 * `FieldNameTranslators.API_KEY_FIELD_NAME_TRANSLATORS`, with messages to match.
 */
import { illegalArgument } from "../support/security-error.js";
import type { DateWorkBudget } from "./date-work-budget.js";
import type { DateFormat } from "./date-format.js";
import { parseDateMath } from "./date-math.js";
import type { TimeZone } from "./time-zone.js";

/** How a field's values compare and match. */
export type ApiKeyFieldKind = "keyword" | "date" | "boolean" | "long";

/** One queryable field, resolved from its API name. */
export interface ApiKeyField {
  /** The name the request used (`realm` stays `realm`, `metadata.a.b` stays as written). */
  readonly name: string;
  /** Dotted path in the stored document. */
  readonly path: string;
  readonly kind: ApiKeyFieldKind;
  /**
   * `"path"` for `metadata.<path>` (native JSON leaves under `metadata_flattened`, matched with Elasticsearch's flattened
   * keyword semantics: `"5"` matches `5` and `"5"`), `"root"` for bare `metadata` (the stored
   * `metadata_values` string array), `undefined` for the fixed fields.
   */
  readonly flattened: "path" | "root" | undefined;
  /** The value a document without the field has (`type` → `rest`). */
  readonly missingAs: string | undefined;
  /** The value a document without a boolean field has (`enabled` → `true`): term queries match it. */
  readonly missingBoolean?: boolean;
  /** Whether the stored field can be absent or null (drives sort partitioning). */
  readonly nullable: boolean;
  /** The Elasticsearch index-level field name, used in messages that name it. */
  readonly indexName: string;
  /**
   * A `text` field: `path` holds the stored tokens of `sourcePath` (lowercased words), so `term`,
   * `prefix`, `wildcard` and `range` see tokens, and `match` analyzes its query the same way.
   */
  readonly analyzed?: { readonly sourcePath: string };
  /**
   * The stored value is an array (or reached through one): an empty array is no value, as an
   * empty list of values is in Elasticsearch.
   */
  readonly multiValued?: boolean;
  /** Why a sort on the field is refused (Elasticsearch's message); sortable when absent. */
  readonly sortRefusal?: string;
}

interface FixedField {
  path: string;
  kind: ApiKeyFieldKind;
  nullable: boolean;
  indexName: string;
  missingAs?: string;
  missingBoolean?: boolean;
}

const FIXED_FIELDS: ReadonlyMap<string, FixedField> = new Map<string, FixedField>([
  ["username", { path: "creator.principal", kind: "keyword", nullable: false, indexName: "creator.principal" }],
  ["realm_name", { path: "creator.realm", kind: "keyword", nullable: false, indexName: "creator.realm" }],
  ["realm", { path: "creator.realm", kind: "keyword", nullable: false, indexName: "creator.realm" }],
  ["name", { path: "name", kind: "keyword", nullable: true, indexName: "name" }],
  ["type", { path: "type", kind: "keyword", nullable: true, indexName: "runtime_key_type", missingAs: "rest" }],
  ["creation", { path: "creation_time", kind: "date", nullable: false, indexName: "creation_time" }],
  ["expiration", { path: "expiration_time", kind: "date", nullable: true, indexName: "expiration_time" }],
  ["invalidated", { path: "invalidated", kind: "boolean", nullable: false, indexName: "api_key_invalidated" }],
  ["invalidation", { path: "invalidation_time", kind: "date", nullable: true, indexName: "invalidation_time" }],
  // Not in the key document: joined from the usage collection by key id (see joined-fields.ts).
  ["last_used", { path: "last_used", kind: "date", nullable: true, indexName: "last_used" }],
  // Extensions (docs/api-key-limits.md): a key that was never disabled stores no `enabled`.
  ["enabled", { path: "enabled", kind: "boolean", nullable: true, indexName: "enabled", missingBoolean: true }],
  ["disabled_at", { path: "disabled_at", kind: "date", nullable: true, indexName: "disabled_at" }],
  ["limits.credits.remaining", { path: "limits.credits.remaining", kind: "long", nullable: true, indexName: "limits.credits.remaining" }],
]);

/**
 * The API names matched by field-name patterns (`simple_query_string` `fields`, default `*`).
 * `realm` is an accepted alias of `realm_name` but is not listed twice.
 */
export const API_KEY_QUERY_FIELD_NAMES: readonly string[] = [
  "username",
  "realm_name",
  "name",
  "type",
  "creation",
  "expiration",
  "invalidated",
  "invalidation",
  "metadata",
];

/** Longest field name accepted (a guard, not an Elasticsearch rule). */
export const MAX_FIELD_NAME_LENGTH = 512;

/** The stored array of every metadata leaf value, stringified (what bare `metadata` searches). */
export const METADATA_VALUES_PATH = "metadata_values";

/**
 * The stored, queryable form of the metadata (dotted keys expanded into nested objects; the
 * returned metadata is stored apart, as given): what `metadata.<path>` reads.
 */
export const METADATA_FLATTENED_PATH = "metadata_flattened";

export function notAllowed(name: string): never {
  throw illegalArgument(`Field [${name}] is not allowed for querying or aggregation`);
}

/**
 * The name a query names a field by, checked before any table is consulted: a string, not over
 * the length limit, not a pattern.
 * @throws SecurityError 400 `illegal_argument_exception` with Elasticsearch's messages
 */
export function concreteFieldName(name: unknown): string {
  if (typeof name !== "string") throw illegalArgument(`Field [${String(name)}] is not allowed for querying or aggregation`);
  if (name.length > MAX_FIELD_NAME_LENGTH) notAllowed(name.slice(0, MAX_FIELD_NAME_LENGTH) + "...");
  if (isFieldNamePattern(name)) throw illegalArgument(`Field name pattern [${name}] is not allowed for querying or aggregation`);
  return name;
}

/** `Regex.isSimpleMatchPattern`: Elasticsearch treats a name containing `*` as a pattern. */
export function isFieldNamePattern(name: string): boolean {
  return name.includes("*");
}

/** Bare `metadata`: the whole flattened copy, as a keyword field. */
export function metadataRootField(): ApiKeyField {
  return {
    name: "metadata",
    path: METADATA_VALUES_PATH,
    kind: "keyword",
    flattened: "root",
    missingAs: undefined,
    nullable: true,
    indexName: "metadata_flattened",
  };
}

/** `metadata.<path>`: a flattened keyword leaf under `metadata_flattened`. */
export function metadataField(name: string): ApiKeyField {
  const subPath = name.slice("metadata.".length);
  const segments = subPath.split(".");
  for (const segment of segments) {
    // Empty segments, operators and control characters could address something other than a
    // metadata leaf (or be rejected by the server): refuse them as unknown fields.
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
    if (segment === "" || segment.startsWith("$") || /[\u0000-\u001f\u007f]/.test(segment)) notAllowed(name);
  }
  return {
    name,
    path: `${METADATA_FLATTENED_PATH}.${subPath}`,
    kind: "keyword",
    flattened: "path",
    missingAs: undefined,
    nullable: true,
    indexName: `metadata_flattened.${subPath}`,
  };
}

/**
 * Resolves an API field name to its stored field.
 * @throws SecurityError 400 `illegal_argument_exception`: `Field name pattern [x] is not allowed
 *   for querying or aggregation` for names with `*`, `Field [x] is not allowed for querying or
 *   aggregation` for anything off the allow-list (including `id`, which only the `ids` query reaches).
 */
export function resolveApiKeyField(input: unknown): ApiKeyField {
  const name = concreteFieldName(input);
  const fixed = FIXED_FIELDS.get(name);
  if (fixed) {
    return {
      name,
      path: fixed.path,
      kind: fixed.kind,
      flattened: undefined,
      missingAs: fixed.missingAs,
      nullable: fixed.nullable,
      indexName: fixed.indexName,
      ...(fixed.missingBoolean !== undefined ? { missingBoolean: fixed.missingBoolean } : {}),
    };
  }
  if (name === "metadata") return metadataRootField();
  if (name.startsWith("metadata.")) return metadataField(name);
  return notAllowed(name);
}

/** `Regex.simpleMatch`: `*` matches any sequence, nothing else is special. */
export function simpleMatch(pattern: string, text: string): boolean {
  const parts = pattern.split("*");
  const first = parts[0] as string;
  const last = parts[parts.length - 1] as string;
  if (parts.length === 1) return pattern === text;
  if (!text.startsWith(first) || text.length < first.length + last.length || !text.endsWith(last)) return false;
  let position = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i] as string;
    const found = text.indexOf(part, position);
    if (found === -1 || found + part.length > end) return false;
    position = found + part.length;
  }
  return true;
}

/**
 * Resolves a field name or pattern the lenient way `simple_query_string` does: a pattern expands
 * to the allowed fields it matches (it can reach bare `metadata`, never its sub-fields), a concrete
 * unknown name resolves to nothing instead of failing.
 */
export function resolveApiKeyFieldPattern(nameOrPattern: string): ApiKeyField[] {
  return resolveFieldPattern(nameOrPattern, API_KEY_QUERY_FIELD_NAMES, resolveApiKeyField);
}

/** `resolveApiKeyFieldPattern` over any table: its field names and its resolver. */
export function resolveFieldPattern(
  nameOrPattern: string,
  names: readonly string[],
  resolve: (name: string) => ApiKeyField,
): ApiKeyField[] {
  if (!isFieldNamePattern(nameOrPattern)) {
    try {
      return [resolve(nameOrPattern)];
    } catch {
      return [];
    }
  }
  return names.filter((name) => simpleMatch(nameOrPattern, name)).map((name) => resolve(name));
}

// ---------------------------------------------------------------------------------------------
// Value coercion

/** A request value as JSON can carry it to a term-level query. */
export type ScalarValue = string | number | boolean;

/** Whether `value` is a JSON scalar (string, finite number, boolean). */
export function isScalar(value: unknown): value is ScalarValue {
  return typeof value === "string" || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value));
}

/**
 * A keyword value: strings as they are, numbers and booleans in their JSON spelling (Elasticsearch
 * turns `{"term": {"name": 5}}` into the term `"5"`). Objects, arrays and null are refused, so a
 * request can never smuggle an operator object (`{"$gt": ""}`) into a filter.
 */
export function keywordValue(value: unknown, queryName: string): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  throw illegalArgument(`[${queryName}] query does not support a value of type [${jsonType(value)}]; expected a string, number or boolean`);
}

/** A `boolean` field value, as Elasticsearch's boolean field type reads a search value. */
export function booleanValue(value: unknown): boolean {
  if (value === true || value === "true") return true;
  if (value === false || value === "false" || value === "") return false;
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  throw illegalArgument(`Can't parse boolean value [${text}], expected [true] or [false]`);
}

/** A `long` field value: an integer, or a string spelling one (as Elasticsearch's long field reads a search value). */
export function longValue(value: unknown): number {
  if (typeof value === "number" && Number.isSafeInteger(value)) return value;
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value.trim())) return Number(value.trim());
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  throw illegalArgument(`For input string: "${text}"`);
}

/** Options for {@link dateValue}. */
export interface DateValueOptions {
  now: number;
  roundUp?: boolean;
  format?: DateFormat | undefined;
  timeZone?: TimeZone | undefined;
  budget?: DateWorkBudget | undefined;
}

/** A `date` field value: epoch ms number, or a string in the format, with date math. */
export function dateValue(value: unknown, options: DateValueOptions): number {
  if (typeof value === "number" || typeof value === "string") return parseDateMath(value, options);
  throw illegalArgument(`failed to parse date field [${JSON.stringify(value) ?? String(value)}]: expected a string or a number`);
}

/**
 * The stored values a flattened `metadata.<path>` term matches: the string itself, plus the JSON
 * number or boolean it spells when that is its canonical spelling (`"5"` → `5`, `"true"` → `true`).
 */
export function flattenedCandidates(term: string): Array<string | number | boolean> {
  const candidates: Array<string | number | boolean> = [term];
  if (term === "true") candidates.push(true);
  else if (term === "false") candidates.push(false);
  else if (/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/.test(term)) {
    const number = Number(term);
    if (Number.isFinite(number) && String(number) === term) candidates.push(number);
  }
  return candidates;
}

/** The JSON type name of a value, for messages. */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
