/**
 * Whether a value is an object whose prototype is `Object.prototype` or `null` (an object literal,
 * `JSON.parse` output, `Object.create(null)`): stricter than `isPlainObject`, it refuses class
 * instances, `Date`s and `Map`s, for records that must be plain data.
 */
export function isObjectLiteral(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
