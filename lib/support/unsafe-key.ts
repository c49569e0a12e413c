const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/**
 * Whether an object key is unsafe to store or merge: it starts with `$` (a MongoDB operator or
 * field-path marker) or is `__proto__`, `constructor` or `prototype` (prototype pollution).
 */
export function isUnsafeKey(key: string): boolean {
  return key.startsWith("$") || FORBIDDEN_KEYS.has(key) || key.includes("\u0000");
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

/** True when a JSON value nests objects/arrays deeper than `max` levels. Iterative. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop() as [unknown, number];
    if (current === null || typeof current !== "object") continue;
    if (depth > max) return true;
    for (const inner of Object.values(current)) stack.push([inner, depth + 1]);
  }
  return false;
}
