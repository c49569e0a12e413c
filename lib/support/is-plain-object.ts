/**
 * Whether a value is a non-null object that is not an array: the shape of a JSON object, as request
 * bodies are checked before their fields are read. The prototype is not checked (see
 * `isObjectLiteral` for that).
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
