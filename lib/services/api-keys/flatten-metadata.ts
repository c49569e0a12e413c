import { isPlainObject, type JsonObject } from "../../support/json-input.js";
import { parseError } from "../../support/security-error.js";
import { isUnsafeKey } from "../../support/unsafe-key.js";

/** Most path levels the queryable form may have (the limit `assertSafeKeys` puts on the original). */
const MAX_LEVELS = 32;

function tooDeep(): never {
  throw parseError(`[metadata] is nested too deeply (more than ${MAX_LEVELS} levels)`);
}

function merge(target: JsonObject, key: string, value: unknown): void {
  if (!Object.prototype.hasOwnProperty.call(target, key)) {
    target[key] = value;
    return;
  }
  const existing = target[key];
  if (isPlainObject(existing) && isPlainObject(value)) {
    for (const [innerKey, inner] of Object.entries(value)) merge(existing, innerKey, inner);
    return;
  }
  target[key] = [
    ...(Array.isArray(existing) ? (existing as unknown[]) : [existing]),
    ...(Array.isArray(value) ? (value as unknown[]) : [value]),
  ];
}

function expandValue(value: unknown, level: number): unknown {
  if (Array.isArray(value)) {
    // Nested arrays hold plain values to a flattened field: one level of array is enough.
    return (value as unknown[]).flatMap((item) => {
      const expanded = expandValue(item, level);
      return Array.isArray(expanded) ? (expanded as unknown[]) : [expanded];
    });
  }
  if (isPlainObject(value)) return expandObject(value, level);
  return value;
}

function expandObject(object: JsonObject, level: number): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) {
    const segments = key.split(".");
    for (const segment of segments) {
      if (isUnsafeKey(segment)) throw parseError(`[metadata] may not contain the key [${key}]`);
    }
    // `a..b`, `.a`, `a.` and `` name no addressable path (`metadata.<path>` refuses empty
    // segments too): they stay in the returned metadata and in bare-`metadata` searches only.
    if (segments.some((segment) => segment === "")) continue;
    if (level + segments.length > MAX_LEVELS) tooDeep();
    let nested = expandValue(value, level + segments.length);
    for (let i = segments.length - 1; i >= 1; i--) nested = { [segments[i] as string]: nested };
    merge(out, segments[0] as string, nested);
  }
  return out;
}

/**
 * The queryable form of API-key metadata (Elasticsearch's `metadata_flattened`): keys containing
 * `.` are expanded into nested objects, so `{"a.b": 1}` and `{"a": {"b": 1}}` both answer a query
 * on `metadata.a.b`, as in Elasticsearch's flattened field, and no stored field name holds a `.`
 * (which MongoDB-compatible servers refuse or cannot query). Where two spellings meet, the values
 * are gathered into an array (`{"a": 1, "a.b": 2}` → `{a: [1, {b: 2}]}`), which MongoDB's path
 * matching traverses, so every leaf stays reachable under its dotted path. The metadata itself is
 * stored (and returned) as given.
 * @throws SecurityError 400 for a key with a `$`-prefixed (or otherwise unsafe) segment, or deeper
 *   than 32 levels once expanded.
 */
export function flattenMetadata(metadata: JsonObject): JsonObject {
  return expandObject(metadata, 0);
}
