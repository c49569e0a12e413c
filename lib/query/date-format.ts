/**
 * Elasticsearch date formats for the API-key query DSL: a subset of Java's `DateFormatter` names
 * and patterns, and alternatives joined by `||`.
 *
 * Parsing follows Elasticsearch's "round up" rules: when parsing an upper bound (`lte`, `gt`, the
 * end of a `term`), fields the text leaves out are filled with their maximum (`2024-01` →
 * `2024-01-31T23:59:59.999`).
 */
import { illegalArgument } from "../support/security-error.js";
import { MINUTE, daysInMonth, utcMs } from "./calendar.js";
import { customFormat } from "./custom-format.js";
import type { FormatAlternative, ParsedFields } from "./format-alternative.js";
import { namedFormat } from "./named-format.js";
import { UTC, type TimeZone } from "./time-zone.js";

/** Elasticsearch's default format for `date` fields. */
export const DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis";

/** A resolved date format: one or more parsers (`a||b`) and the printer of the first. */
export interface DateFormat {
  /** The format as the request named it, for error messages. */
  readonly pattern: string;
  /** Parses `text`; `undefined` when no alternative matches. */
  parse(text: string, roundUp: boolean, zone: TimeZone): number | undefined;
  /** Prints an instant in the first alternative's layout. */
  format(instant: number, zone: TimeZone): string;
}

function resolveFields(fields: ParsedFields, roundUp: boolean, zone: TimeZone): number | undefined {
  const { year } = fields;
  const month = fields.month ?? (roundUp ? 12 : 1);
  if (month < 1 || month > 12) return undefined;
  const lastDay = daysInMonth(year, month);
  const day = fields.day ?? (roundUp ? lastDay : 1);
  if (day < 1 || day > lastDay) return undefined;
  const hour = fields.hour ?? (roundUp ? 23 : 0);
  const minute = fields.minute ?? (roundUp ? 59 : 0);
  const second = fields.second ?? (roundUp ? 59 : 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fields.fraction !== undefined ? Number(fields.fraction.padEnd(3, "0").slice(0, 3)) : roundUp ? 999 : 0;
  const local = utcMs(year, month, day, hour, minute, second, millis);
  if (!Number.isFinite(local)) return undefined;
  return fields.offset !== undefined ? local - fields.offset * MINUTE : zone.toInstant(local);
}

const formatCache = new Map<string, DateFormat>();

/**
 * Resolves a `format` option: named formats (`strict_date_optional_time`, `date_time`,
 * `epoch_millis`, `epoch_second`, `date`, `year_month`, ... and their `strict_` forms), simple
 * Java patterns (`yyyy-MM-dd HH:mm:ss`, `dd/MM/yyyy`; letters y u M d H m s S X Z) and
 * alternatives joined by `||`.
 */
export function parseDateFormat(value: unknown): DateFormat {
  if (typeof value !== "string" || value.trim() === "") throw illegalArgument(`Invalid format: [${String(value)}]`);
  const cached = formatCache.get(value);
  if (cached) return cached;
  if (value.length > 256) throw illegalArgument(`Invalid format: [${value.slice(0, 256)}...]: too long`);
  const alternatives = value.split("||").map((part) => {
    const name = part.trim();
    return namedFormat(name) ?? customFormat(name);
  });
  const first = alternatives[0] as FormatAlternative;
  const format: DateFormat = {
    pattern: value,
    parse(text, roundUp, zone) {
      for (const alternative of alternatives) {
        const parsed = alternative.parse(text);
        if (parsed === undefined) continue;
        if (typeof parsed === "number") return parsed;
        const resolved = resolveFields(parsed, roundUp, zone);
        if (resolved !== undefined) return resolved;
      }
      return undefined;
    },
    format: (instant, zone) => first.print(instant, zone),
  };
  if (formatCache.size < 64) formatCache.set(value, format);
  return format;
}

/** The format of `date` fields when a request names none. */
export const DEFAULT_FORMAT: DateFormat = parseDateFormat(DEFAULT_DATE_FORMAT);

/** Prints an instant with a format (default {@link DEFAULT_FORMAT}, i.e. ISO 8601 with millis, `Z`). */
export function formatDate(instant: number, format: DateFormat = DEFAULT_FORMAT, zone: TimeZone = UTC): string {
  return format.format(instant, zone);
}
