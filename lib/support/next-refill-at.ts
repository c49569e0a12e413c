/**
 * When a credit balance refilled at `lastRefill` (epoch ms) is due again: `interval` ms later for
 * a fixed interval; the next midnight UTC for `daily`; for `monthly`, the next `refillDay`
 * (1–31, default 1, clamped to the month's last day) at midnight UTC strictly after `lastRefill`.
 */
export function nextRefillAt(interval: "daily" | "monthly" | number, lastRefill: number, refillDay = 1): number {
  if (typeof interval === "number") return lastRefill + interval;
  const last = new Date(lastRefill);
  const year = last.getUTCFullYear();
  const month = last.getUTCMonth();
  if (interval === "daily") return Date.UTC(year, month, last.getUTCDate() + 1);
  const dayIn = (m: number) => Math.min(refillDay, new Date(Date.UTC(year, m + 1, 0)).getUTCDate());
  const sameMonth = Date.UTC(year, month, dayIn(month));
  return sameMonth > lastRefill ? sameMonth : Date.UTC(year, month + 1, dayIn(month + 1));
}
