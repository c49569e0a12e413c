/**
 * Adds `key` to `target` as an ordinary own, enumerable property, whatever the key: for bodies
 * keyed by names that come from users or stored data (roles, usernames, applications,
 * aggregations). A plain assignment `target["__proto__"] = value` replaces the prototype instead
 * and the key never reaches the response; defining the property cannot do that.
 */
export function setOwnKey<T>(target: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** `target[key]` when it is an own property; never a member inherited from `Object.prototype`. */
export function getOwnKey<T>(target: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}
