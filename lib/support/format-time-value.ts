/** Units from the largest down, as Elasticsearch's `TimeValue` prints them. */
const UNITS: ReadonlyArray<readonly [suffix: string, ms: number]> = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
];

/**
 * A whole number of milliseconds as a time value in the largest unit that divides it exactly
 * (`10000` → `10s`, `90000` → `90s`, `3600000` → `1h`), so that parsing the text gives the same
 * length back.
 */
export function formatTimeValue(ms: number): string {
  for (const [suffix, size] of UNITS) if (ms !== 0 && ms % size === 0) return `${ms / size}${suffix}`;
  return `${ms}ms`;
}
