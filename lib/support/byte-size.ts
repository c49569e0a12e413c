const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 };

/**
 * A size as Express's body parsers read their `limit` (a number of bytes, or `"100kb"`, `"1.5mb"`
 * with 1024-based units), in bytes; `undefined` when it is not a size.
 */
export function byteSize(value: string | number): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb|pb)?\s*$/i.exec(value);
  if (!match) return undefined;
  return Math.floor(Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()]!);
}
