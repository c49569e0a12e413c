const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Whether an object key is unsafe to store or merge: it starts with `$` (a MongoDB operator or
 * field-path marker) or is `__proto__`, `constructor` or `prototype` (prototype pollution).
 */
export function isUnsafeKey(key: string): boolean {
  return key.startsWith("$") || FORBIDDEN_KEYS.has(key);
}

/**
 * The first unsafe key (see {@link isUnsafeKey}) found anywhere in a JSON value, at any depth, or
 * `undefined`. Iterative, so deeply nested input cannot overflow the stack.
 *
 * @example findUnsafeKey({ metadata: { a: [{ $where: "1" }] } }) // "$where"
 */
export function findUnsafeKey(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const current = stack.pop();
    if (current === null || typeof current !== "object") continue;
    if (Array.isArray(current)) {
      for (const item of current) stack.push(item);
      continue;
    }
    for (const key of Object.keys(current)) {
      if (isUnsafeKey(key)) return key;
      stack.push((current as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}
