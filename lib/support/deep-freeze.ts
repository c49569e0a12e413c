/**
 * Freezes `value` and every object reachable from it, and returns it. An object already frozen is
 * taken as frozen through, and not walked again.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
