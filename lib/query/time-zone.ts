/**
 * Time zones of the date options (`time_zone`): fixed offsets and IANA zones, the latter resolved
 * through `Intl` and cached.
 */
import { illegalArgument } from "../support/security-error.js";
import { MINUTE, mod, utcMs } from "./calendar.js";

/** A time zone: a fixed offset or an IANA zone (resolved through `Intl`). */
export interface TimeZone {
  readonly id: string;
  /** Whether the offset never changes (a fixed offset); IANA zones are looked up through `Intl`, which is slow. */
  readonly fixed: boolean;
  /** Offset from UTC, in minutes, at the given instant. */
  offsetAt(instant: number): number;
  /** The instant at which local wall-clock time (given as if it were UTC) occurs. */
  toInstant(local: number): number;
}

function fixedZone(id: string, offsetMinutes: number): TimeZone {
  return {
    id,
    fixed: true,
    offsetAt: () => offsetMinutes,
    toInstant: (local) => local - offsetMinutes * MINUTE,
  };
}

/** UTC, the default zone of every date operation. */
export const UTC: TimeZone = fixedZone("Z", 0);

function ianaZone(id: string): TimeZone | undefined {
  let dtf: Intl.DateTimeFormat;
  try {
    dtf = new Intl.DateTimeFormat("en-US", {
      timeZone: id,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  const offsetAt = (instant: number): number => {
    const parts: Record<string, number> = {};
    for (const part of dtf.formatToParts(new Date(instant))) {
      if (part.type !== "literal") parts[part.type] = Number(part.value);
    }
    const local = utcMs(parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, 0);
    const whole = instant - mod(instant, 1000);
    return Math.round((local - whole) / MINUTE);
  };
  return {
    id,
    fixed: false,
    offsetAt,
    toInstant(local) {
      const guess = local - offsetAt(local) * MINUTE;
      return local - offsetAt(guess) * MINUTE;
    },
  };
}

/** The longest IANA zone id is under 40 characters; longer ids are not looked up. */
const MAX_ZONE_ID_LENGTH = 64;
/** More than the tz database's ids and links (~600 and ~250): every real zone stays cached. */
const MAX_CACHED_ZONES = 1024;
/**
 * Building an `Intl.DateTimeFormat` costs ~0.1 ms: a request naming a zone in each of thousands of
 * clauses would otherwise spend most of a second doing it. Only valid zones are kept.
 */
const zoneCache = new Map<string, TimeZone>();

/**
 * Resolves a `time_zone` option: `Z`, `UTC`, `GMT`, an offset (`+01:00`, `-0530`, `+2`) or an
 * IANA zone id (`Europe/Paris`). Anything else is a 400 like Elasticsearch's.
 */
export function parseTimeZone(value: unknown): TimeZone {
  if (typeof value !== "string") throw illegalArgument(`Unknown time-zone ID: ${String(value)}`);
  const id = value.trim();
  if (id === "Z" || id === "UTC" || id === "GMT" || id === "UT" || id === "Etc/UTC" || id === "Etc/GMT") return fixedZone(id, 0);
  const offset = /^(?:UTC|GMT|UT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?$/.exec(id);
  if (offset) {
    const hours = Number(offset[2]);
    const minutes = Number(offset[3] ?? "0");
    if (hours > 18 || minutes > 59) throw illegalArgument(`Invalid ID for ZoneOffset, invalid format: ${id}`);
    const sign = offset[1] === "-" ? -1 : 1;
    return fixedZone(id, sign * (hours * 60 + minutes));
  }
  if (id.length <= MAX_ZONE_ID_LENGTH && /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(id) && id.includes("/")) {
    // Intl reads zone ids case-insensitively: one entry per zone, not one per spelling of it.
    const key = id.toLowerCase();
    const cached = zoneCache.get(key);
    if (cached) return cached;
    const zone = ianaZone(id);
    if (zone) {
      if (zoneCache.size < MAX_CACHED_ZONES) zoneCache.set(key, zone);
      return zone;
    }
  }
  throw illegalArgument(`Unknown time-zone ID: ${id}`);
}
