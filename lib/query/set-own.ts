/**
 * Stores `value` under `key` as an own, enumerable property. Response objects here are keyed by
 * names the request chose (aggregation names, range and filter keys, composite source names); a
 * plain assignment with the key `__proto__` would replace the object's prototype instead, and the
 * entry would vanish from the response.
 */
export function setOwn<T>(target: { [key: string]: T }, key: string, value: T): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
