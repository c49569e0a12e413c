import { isPlainObject } from "./is-plain-object.js";
import { parseError } from "./security-error.js";
import { findUnsafeKey, nestsDeeperThan } from "./unsafe-key.js";

export type JsonObject = Record<string, unknown>;

// Kept here too because the request parsers reach it through this module.
export { isPlainObject } from "./is-plain-object.js";

const MAX_DEPTH = 32;

/**
 * Rejects object keys that MongoDB or JavaScript would give meaning to (`$op`, `__proto__`),
 * anywhere in a value that will be stored, and absurd nesting. Stored user data (metadata,
 * descriptors) must stay data.
 */
export function assertSafeKeys(value: unknown, field: string): void {
  if (nestsDeeperThan(value, MAX_DEPTH)) throw parseError(`[${field}] is nested too deeply (more than ${MAX_DEPTH} levels)`);
  const key = findUnsafeKey(value);
  if (key !== undefined) throw parseError(`[${field}] may not contain the key [${key}]`);
}

/** A body that must be a JSON object; an absent body is `{}` when `optional`. */
export function requireObject(value: unknown, what: string, optional = false): JsonObject {
  if ((value === undefined || value === null) && optional) return {};
  if (!isPlainObject(value)) throw parseError(`request body is required and must be a JSON object for [${what}]`);
  return value;
}

export function optionalString(body: JsonObject, field: string, what: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw parseError(`failed to parse ${what}. [${field}] must be a string but found [${typeName(value)}]`);
  return value;
}

export function optionalNullableString(body: JsonObject, field: string, what: string): string | null | undefined {
  const value = body[field];
  if (value === null) return null;
  return optionalString(body, field, what);
}

export function optionalBoolean(body: JsonObject, field: string, what: string): boolean | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw parseError(`failed to parse ${what}. [${field}] must be a boolean but found [${typeName(value)}]`);
  return value;
}

export function optionalStringArray(body: JsonObject, field: string, what: string): string[] | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw parseError(`failed to parse ${what}. [${field}] must be an array of strings`);
  }
  return value as string[];
}

/** Metadata: an object whose top-level keys do not start with `_` (reserved). */
export function optionalMetadata(body: JsonObject, field: string, what: string, reservedMessage: string): JsonObject | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) throw parseError(`failed to parse ${what}. [${field}] must be an object`);
  assertSafeKeys(value, field);
  if (Object.keys(value).some((k) => k.startsWith("_"))) throw parseError(reservedMessage);
  return value;
}

export function rejectUnknownFields(body: JsonObject, allowed: readonly string[], what: string): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw parseError(`failed to parse ${what}. unexpected field [${key}]`);
  }
}

export function typeName(value: unknown): string {
  if (value === null) return "VALUE_NULL";
  if (Array.isArray(value)) return "START_ARRAY";
  if (typeof value === "object") return "START_OBJECT";
  if (typeof value === "string") return "VALUE_STRING";
  if (typeof value === "number") return "VALUE_NUMBER";
  if (typeof value === "boolean") return "VALUE_BOOLEAN";
  return typeof value;
}
