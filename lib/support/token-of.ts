/** Elasticsearch's XContent token name for a JSON value (`START_ARRAY`, `VALUE_STRING`, ...), as its parse messages print it. */
export function tokenOf(value: unknown): string {
  if (value === null || value === undefined) return "VALUE_NULL";
  if (Array.isArray(value)) return "START_ARRAY";
  switch (typeof value) {
    case "string":
      return "VALUE_STRING";
    case "number":
      return "VALUE_NUMBER";
    case "boolean":
      return "VALUE_BOOLEAN";
    case "object":
      return "START_OBJECT";
    default:
      return "VALUE_EMBEDDED_OBJECT";
  }
}
