/**
 * Elasticsearch date handling for the API-key query DSL: date formats (a subset of Java's
 * `DateFormatter` names and patterns), time zones and date math (`now-1d/d`, `2024-01-01||+1M`).
 *
 * Dates are epoch milliseconds throughout. Parsing follows Elasticsearch's "round up" rules: when
 * parsing an upper bound (`lte`, `gt`, the end of a `term`), fields the text leaves out are filled
 * with their maximum (`2024-01` → `2024-01-31T23:59:59.999`), and `/unit` rounds to the end of
 * the unit.
 */
import { SecurityError, illegalArgument, parseError } from "../support/security-error.js";
import type { DateWorkBudget } from "./date-work-budget.js";

/** Elasticsearch's default format for `date` fields. */
export const DEFAULT_DATE_FORMAT = "strict_date_optional_time||epoch_millis";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

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

// ---------------------------------------------------------------------------------------------
// Calendar helpers (all on "local" milliseconds: wall-clock time expressed as if it were UTC)

function mod(a: number, b: number): number {
  return ((a % b) + b) % b;
}

function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, millis);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function addMonths(local: number, months: number): number {
  const date = new Date(local);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth() + months;
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = mod(month, 12) + 1;
  const day = Math.min(date.getUTCDate(), daysInMonth(targetYear, targetMonth));
  return utcMs(targetYear, targetMonth, day, date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds(), date.getUTCMilliseconds());
}

type DateUnit = "y" | "M" | "w" | "d" | "h" | "H" | "m" | "s";

function isDateUnit(c: string): c is DateUnit {
  return c === "y" || c === "M" || c === "w" || c === "d" || c === "h" || c === "H" || c === "m" || c === "s";
}

/** Adds `amount` units to an instant, calendar units in the zone's wall-clock time. */
function addUnits(instant: number, unit: DateUnit, amount: number, zone: TimeZone): number {
  switch (unit) {
    case "h":
    case "H":
      return instant + amount * HOUR;
    case "m":
      return instant + amount * MINUTE;
    case "s":
      return instant + amount * 1000;
    default: {
      const local = instant + zone.offsetAt(instant) * MINUTE;
      let shifted: number;
      if (unit === "y") shifted = addMonths(local, amount * 12);
      else if (unit === "M") shifted = addMonths(local, amount);
      else if (unit === "w") shifted = local + amount * 7 * DAY;
      else shifted = local + amount * DAY;
      return zone.toInstant(shifted);
    }
  }
}

/** Truncates an instant to the start of its unit, in the zone's wall-clock time. */
function roundDown(instant: number, unit: DateUnit, zone: TimeZone): number {
  const local = instant + zone.offsetAt(instant) * MINUTE;
  const date = new Date(local);
  const y = date.getUTCFullYear();
  const mo = date.getUTCMonth() + 1;
  const d = date.getUTCDate();
  let rounded: number;
  switch (unit) {
    case "y":
      rounded = utcMs(y, 1, 1, 0, 0, 0, 0);
      break;
    case "M":
      rounded = utcMs(y, mo, 1, 0, 0, 0, 0);
      break;
    case "w": {
      const dayStart = utcMs(y, mo, d, 0, 0, 0, 0);
      const isoDay = mod(date.getUTCDay() + 6, 7); // Monday = 0
      rounded = dayStart - isoDay * DAY;
      break;
    }
    case "d":
      rounded = utcMs(y, mo, d, 0, 0, 0, 0);
      break;
    case "h":
    case "H":
      rounded = local - mod(local, HOUR);
      break;
    case "m":
      rounded = local - mod(local, MINUTE);
      break;
    case "s":
      rounded = local - mod(local, 1000);
      break;
  }
  return zone.toInstant(rounded);
}

// ---------------------------------------------------------------------------------------------
// Formats

/** The date-time fields a format parsed; absent ones are filled at resolution time. */
interface ParsedFields {
  year: number;
  month?: number | undefined;
  day?: number | undefined;
  hour?: number | undefined;
  minute?: number | undefined;
  second?: number | undefined;
  /** Fraction of a second as written (`"5"` = 500 ms). */
  fraction?: string | undefined;
  /** Explicit offset in minutes, when the text carried one. */
  offset?: number | undefined;
}

type FieldParser = (text: string) => ParsedFields | number | undefined;
type FieldPrinter = (instant: number, zone: TimeZone) => string;

/** A resolved date format: one or more parsers (`a||b`) and the printer of the first. */
export interface DateFormat {
  /** The format as the request named it, for error messages. */
  readonly pattern: string;
  /** Parses `text`; `undefined` when no alternative matches. */
  parse(text: string, roundUp: boolean, zone: TimeZone): number | undefined;
  /** Prints an instant in the first alternative's layout. */
  format(instant: number, zone: TimeZone): string;
}

function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (text === "Z" || text === "z") return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? "0");
  return match[1] === "-" ? -minutes : minutes;
}

const OFFSET = "(Z|z|[+-]\\d{2}(?::?\\d{2})?)";

function isoParser(strict: boolean, required: "year" | "date" | "datetime" | "datetime_no_millis" | "year_month"): FieldParser {
  const two = strict ? "(\\d{2})" : "(\\d{1,2})";
  const year = strict ? "(\\d{4})" : "([+-]?\\d{1,9})";
  let source: string;
  switch (required) {
    case "year":
      source = `^${year}$`;
      break;
    case "year_month":
      source = `^${year}-${two}$`;
      break;
    case "date":
      source = `^${year}-${two}-${two}$`;
      break;
    case "datetime":
      source = `^${year}-${two}-${two}T${two}:${two}:${two}[.,](\\d{1,9})${OFFSET}$`;
      break;
    case "datetime_no_millis":
      source = `^${year}-${two}-${two}T${two}:${two}:${two}${OFFSET}$`;
      break;
  }
  const regex = new RegExp(source);
  return (text) => {
    const m = regex.exec(text);
    if (!m) return undefined;
    const fields: ParsedFields = { year: Number(m[1]) };
    if (m[2] !== undefined) fields.month = Number(m[2]);
    if (m[3] !== undefined) fields.day = Number(m[3]);
    if (m[4] !== undefined) fields.hour = Number(m[4]);
    if (m[5] !== undefined) fields.minute = Number(m[5]);
    if (m[6] !== undefined) fields.second = Number(m[6]);
    if (required === "datetime") {
      fields.fraction = m[7];
      fields.offset = parseOffset(m[8]);
    } else if (required === "datetime_no_millis") {
      fields.offset = parseOffset(m[7]);
    }
    return fields;
  };
}

function optionalTimeParser(strict: boolean): FieldParser {
  const two = strict ? "(\\d{2})" : "(\\d{1,2})";
  const year = strict ? "(\\d{4})" : "([+-]?\\d{1,9})";
  const regex = new RegExp(
    `^${year}(?:-${two}(?:-${two}(?:T${two}(?::${two}(?::${two}(?:[.,](\\d{1,9}))?)?)?${OFFSET}?)?)?)?$`,
  );
  return (text) => {
    const m = regex.exec(text);
    if (!m) return undefined;
    const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
    return {
      year: Number(m[1]),
      month: num(m[2]),
      day: num(m[3]),
      hour: num(m[4]),
      minute: num(m[5]),
      second: num(m[6]),
      fraction: m[7],
      offset: parseOffset(m[8]),
    };
  };
}

function epochParser(scale: number): FieldParser {
  return (text) => {
    if (!/^-?\d+(?:\.\d+)?$/.test(text)) return undefined;
    const value = Number(text) * scale;
    return Number.isFinite(value) ? Math.floor(value) : undefined;
  };
}

function pad(value: number, width: number): string {
  const sign = value < 0 ? "-" : "";
  return sign + String(Math.abs(value)).padStart(width, "0");
}

function localParts(instant: number, zone: TimeZone): { offset: number; date: Date } {
  const offset = zone.offsetAt(instant);
  return { offset, date: new Date(instant + offset * MINUTE) };
}

function printOffset(offset: number): string {
  if (offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

function printYear(year: number): string {
  return year > 9999 ? `+${year}` : pad(year, 4);
}

function isoPrinter(parts: "date" | "datetime" | "datetime_no_millis" | "year" | "year_month"): FieldPrinter {
  return (instant, zone) => {
    const { offset, date } = localParts(instant, zone);
    const ymd = `${printYear(date.getUTCFullYear())}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
    if (parts === "year") return printYear(date.getUTCFullYear());
    if (parts === "year_month") return ymd.slice(0, ymd.length - 3);
    if (parts === "date") return ymd;
    const hms = `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}`;
    const millis = parts === "datetime" ? `.${pad(date.getUTCMilliseconds(), 3)}` : "";
    return `${ymd}T${hms}${millis}${printOffset(offset)}`;
  };
}

function epochPrinter(scale: number): FieldPrinter {
  return (instant) => (scale === 1 ? String(instant) : String(instant / scale));
}

interface FormatAlternative {
  parse: FieldParser;
  print: FieldPrinter;
}

function namedFormat(name: string): FormatAlternative | undefined {
  switch (name) {
    case "epoch_millis":
      return { parse: epochParser(1), print: epochPrinter(1) };
    case "epoch_second":
      return { parse: epochParser(1000), print: epochPrinter(1000) };
    case "strict_date_optional_time":
    case "strict_date_optional_time_nanos":
      return { parse: optionalTimeParser(true), print: isoPrinter("datetime") };
    case "date_optional_time":
      return { parse: optionalTimeParser(false), print: isoPrinter("datetime") };
    case "strict_date_time":
      return { parse: isoParser(true, "datetime"), print: isoPrinter("datetime") };
    case "date_time":
      return { parse: isoParser(false, "datetime"), print: isoPrinter("datetime") };
    case "strict_date_time_no_millis":
      return { parse: isoParser(true, "datetime_no_millis"), print: isoPrinter("datetime_no_millis") };
    case "date_time_no_millis":
      return { parse: isoParser(false, "datetime_no_millis"), print: isoPrinter("datetime_no_millis") };
    case "strict_date":
    case "strict_year_month_day":
      return { parse: isoParser(true, "date"), print: isoPrinter("date") };
    case "date":
    case "year_month_day":
      return { parse: isoParser(false, "date"), print: isoPrinter("date") };
    case "strict_year_month":
      return { parse: isoParser(true, "year_month"), print: isoPrinter("year_month") };
    case "year_month":
      return { parse: isoParser(false, "year_month"), print: isoPrinter("year_month") };
    case "strict_year":
      return { parse: isoParser(true, "year"), print: isoPrinter("year") };
    case "year":
      return { parse: isoParser(false, "year"), print: isoPrinter("year") };
    default:
      return undefined;
  }
}

type PatternToken =
  | { kind: "literal"; text: string }
  | { kind: "field"; letter: "y" | "M" | "d" | "H" | "m" | "s" | "S"; width: number }
  | { kind: "offset"; width: number };

function tokenizePattern(pattern: string): PatternToken[] {
  const tokens: PatternToken[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i] as string;
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === -1) throw illegalArgument(`Invalid format: [${pattern}]: Pattern ends with an incomplete string literal: ${pattern}`);
      tokens.push({ kind: "literal", text: end === i + 1 ? "'" : pattern.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (/[A-Za-z]/.test(c)) {
      let j = i;
      while (j < pattern.length && pattern[j] === c) j++;
      const width = j - i;
      const letter = c === "u" ? "y" : c;
      if (letter === "y" || letter === "d" || letter === "H" || letter === "m" || letter === "s" || letter === "S") {
        tokens.push({ kind: "field", letter, width });
      } else if (letter === "M" && width <= 2) {
        tokens.push({ kind: "field", letter, width });
      } else if (letter === "X" || letter === "x" || letter === "Z") {
        tokens.push({ kind: "offset", width });
      } else {
        throw illegalArgument(`Invalid format: [${pattern}]: Unknown pattern letter: ${c}`);
      }
      i = j;
      continue;
    }
    tokens.push({ kind: "literal", text: c });
    i++;
  }
  return tokens;
}

/** How many digits a numeric pattern field reads: `min`..`max`. */
interface FieldWidth {
  readonly min: number;
  readonly max: number;
}

function fieldWidth(token: { letter: string; width: number }): FieldWidth {
  if (token.letter === "y") {
    if (token.width === 2) return { min: 2, max: 2 };
    return token.width >= 4 ? { min: 4, max: 4 } : { min: 1, max: 9 };
  }
  if (token.letter === "S") return { min: token.width, max: token.width };
  return token.width >= 2 ? { min: 2, max: 2 } : { min: 1, max: 2 };
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** Length of the offset (`Z`, `z`, `+01`, `+0100`, `+01:00`) at `at`, or -1. */
function offsetLength(text: string, at: number): number {
  const c = text[at];
  if (c === "Z" || c === "z") return 1;
  if (c !== "+" && c !== "-") return -1;
  if (!isDigit(text.charCodeAt(at + 1)) || !isDigit(text.charCodeAt(at + 2))) return -1;
  if (text[at + 3] === ":" && isDigit(text.charCodeAt(at + 4)) && isDigit(text.charCodeAt(at + 5))) return 6;
  if (isDigit(text.charCodeAt(at + 3)) && isDigit(text.charCodeAt(at + 4))) return 5;
  return 3;
}

type ScanStep =
  | { kind: "literal"; text: string }
  | { kind: "offset" }
  | { kind: "field"; token: Extract<PatternToken, { kind: "field" }>; width: FieldWidth; runMin: number; runMax: number };

/**
 * The scan plan of a pattern: each numeric field knows the least and most digits the numeric
 * fields after it in the same digit run (no literal between) need, so a run of digits is split in
 * one pass, without backtracking.
 */
function scanPlan(tokens: readonly PatternToken[]): ScanStep[] {
  const steps: ScanStep[] = [];
  for (const token of tokens) {
    if (token.kind === "literal") steps.push({ kind: "literal", text: token.text });
    else if (token.kind === "offset") steps.push({ kind: "offset" });
    else steps.push({ kind: "field", token, width: fieldWidth(token), runMin: 0, runMax: 0 });
  }
  let runMin = 0;
  let runMax = 0;
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i] as ScanStep;
    if (step.kind !== "field") {
      runMin = 0;
      runMax = 0;
      continue;
    }
    step.runMin = runMin;
    step.runMax = runMax;
    runMin += step.width.min;
    runMax += step.width.max;
  }
  return steps;
}

/**
 * Reads `text` with a scan plan in one left-to-right pass. Within a run of digits, each field takes
 * as many digits as it may while leaving the fields after it in the run their minimum, and the run
 * must use every digit: `yyyyMd` reads `202461` as June 1st and `2024611` as June 11th. This is the
 * split a regular expression with one `(\d{1,2})` group per field would find, minus its
 * backtracking, whose cost grows exponentially with the number of fields.
 */
function scanFields(steps: readonly ScanStep[], text: string): Array<string | undefined> | undefined {
  const raw: Array<string | undefined> = [];
  let at = 0;
  let digitsLeft = -1; // digits of the current run not yet taken; -1 outside a run
  for (const step of steps) {
    if (step.kind === "literal") {
      if (digitsLeft > 0 || !text.startsWith(step.text, at)) return undefined;
      digitsLeft = -1;
      at += step.text.length;
      continue;
    }
    if (step.kind === "offset") {
      if (digitsLeft > 0) return undefined;
      digitsLeft = -1;
      const length = offsetLength(text, at);
      if (length < 0) return undefined;
      raw.push(text.slice(at, at + length));
      at += length;
      continue;
    }
    if (digitsLeft < 0) {
      let end = at;
      while (end < text.length && isDigit(text.charCodeAt(end))) end++;
      digitsLeft = end - at;
    }
    const take = Math.min(step.width.max, digitsLeft - step.runMin);
    if (take < step.width.min || digitsLeft - take > step.runMax) return undefined;
    raw.push(text.slice(at, at + take));
    at += take;
    digitsLeft -= take;
  }
  if (digitsLeft > 0 || at !== text.length) return undefined;
  return raw;
}

/** The most characters a plan can read (longer texts are refused before scanning). */
function planLength(steps: readonly ScanStep[]): number {
  return steps.reduce((sum, step) => sum + (step.kind === "literal" ? step.text.length : step.kind === "offset" ? 6 : step.width.max), 0);
}

function customFormat(pattern: string): FormatAlternative {
  const tokens = tokenizePattern(pattern);
  const order = tokens.filter((t) => t.kind !== "literal");
  if (!tokens.some((t) => t.kind === "field" && t.letter === "y")) {
    // Elasticsearch needs a year to build an instant; so do we.
    throw illegalArgument(`Invalid format: [${pattern}]: a date format must contain a year field`);
  }
  const steps = scanPlan(tokens);
  const longest = planLength(steps);
  const parse: FieldParser = (text) => {
    if (text.length > longest) return undefined;
    const m = scanFields(steps, text);
    if (!m) return undefined;
    const fields: ParsedFields = { year: 0 };
    order.forEach((token, index) => {
      const raw = m[index];
      if (raw === undefined) return;
      if (token.kind === "offset") {
        fields.offset = parseOffset(raw);
        return;
      }
      if (token.kind !== "field") return;
      const value = Number(raw);
      switch (token.letter) {
        case "y":
          fields.year = token.width === 2 ? 2000 + value : value;
          break;
        case "M":
          fields.month = value;
          break;
        case "d":
          fields.day = value;
          break;
        case "H":
          fields.hour = value;
          break;
        case "m":
          fields.minute = value;
          break;
        case "s":
          fields.second = value;
          break;
        case "S":
          fields.fraction = raw;
          break;
      }
    });
    return fields;
  };
  const print: FieldPrinter = (instant, zone) => {
    const { offset, date } = localParts(instant, zone);
    return tokens
      .map((token) => {
        if (token.kind === "literal") return token.text;
        if (token.kind === "offset") return printOffset(offset);
        switch (token.letter) {
          case "y":
            return token.width === 2 ? pad(date.getUTCFullYear() % 100, 2) : pad(date.getUTCFullYear(), token.width);
          case "M":
            return pad(date.getUTCMonth() + 1, token.width);
          case "d":
            return pad(date.getUTCDate(), token.width);
          case "H":
            return pad(date.getUTCHours(), token.width);
          case "m":
            return pad(date.getUTCMinutes(), token.width);
          case "s":
            return pad(date.getUTCSeconds(), token.width);
          case "S":
            return pad(date.getUTCMilliseconds(), 3).padEnd(token.width, "0").slice(0, token.width);
        }
        return "";
      })
      .join("");
  };
  return { parse, print };
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

function failedToParse(text: string, format: DateFormat): SecurityError {
  const reason = `failed to parse date field [${text}] with format [${format.pattern}]`;
  return new SecurityError(400, "parse_exception", reason, { cause: illegalArgument(reason) });
}

/** Longest date string accepted (anchor and date math together). */
export const MAX_DATE_TEXT_LENGTH = 512;
/** Most date-math operations (`+1d`, `/M`, ...) one date may carry. */
export const MAX_DATE_MATH_OPERATIONS = 32;

/** Options of {@link parseDateMath}. */
export interface DateMathOptions {
  /** Epoch ms that `now` stands for. */
  now: number;
  /** Parse as an upper bound: fill missing fields with their maximum and round `/unit` up. */
  roundUp?: boolean;
  /** Default {@link DEFAULT_FORMAT}. */
  format?: DateFormat | undefined;
  /** Default {@link UTC}. */
  timeZone?: TimeZone | undefined;
  /** The request's allowance of zoned date arithmetic (none: unbounded, for trusted callers). */
  budget?: DateWorkBudget | undefined;
}

/** A parsed date, or how to report why the text is not one (built only when it is reported). */
type DateOutcome = number | (() => SecurityError);

/**
 * Parses a date value the way a `date` field does: a JSON number is epoch milliseconds; a string
 * goes through the format, with date math (`now`, `now-1d/d`, `<date>||+1M/M`).
 * @throws SecurityError 400 `parse_exception` when the value is not a date, is longer than
 *   {@link MAX_DATE_TEXT_LENGTH} or has more than {@link MAX_DATE_MATH_OPERATIONS} operations;
 *   `illegal_argument_exception` when the request's budget of zoned date math is spent.
 */
export function parseDateMath(value: string | number, options: DateMathOptions): number {
  const outcome = evaluateDate(value, options);
  if (typeof outcome === "number") return outcome;
  throw outcome();
}

/**
 * {@link parseDateMath} for lenient callers (`simple_query_string` over every field), which skip
 * what is not a date: `undefined` instead of an exception, whose stack trace would cost more than
 * the parse. A spent budget still throws: it ends the request.
 */
export function parseDateMathOrUndefined(value: string | number, options: DateMathOptions): number | undefined {
  const outcome = evaluateDate(value, options);
  return typeof outcome === "number" ? outcome : undefined;
}

function evaluateDate(value: string | number, options: DateMathOptions): DateOutcome {
  const format = options.format ?? DEFAULT_FORMAT;
  const zone = options.timeZone ?? UTC;
  const roundUp = options.roundUp ?? false;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return () => failedToParse(String(value), format);
    return Math.trunc(value);
  }
  const text = value;
  if (text.length > MAX_DATE_TEXT_LENGTH) {
    return () => parseError(`failed to parse date field [${text.slice(0, 64)}...]: longer than [${MAX_DATE_TEXT_LENGTH}] characters`);
  }
  const budget = options.budget;
  const zoned = !zone.fixed;
  let instant: number;
  let mathStart: number;
  if (text.startsWith("now")) {
    instant = options.now;
    mathStart = 3;
  } else {
    const separator = text.indexOf("||");
    const anchor = separator === -1 ? text : text.slice(0, separator);
    // Reading a date costs little in a fixed offset: only zoned ones draw on the allowance.
    if (zoned) budget?.spend(true);
    const parsed = format.parse(anchor, roundUp, zone);
    if (parsed === undefined) return () => failedToParse(anchor, format);
    if (separator === -1) return parsed;
    instant = parsed;
    mathStart = separator + 2;
  }
  return applyMath(text.slice(mathStart), instant, roundUp, zone, budget);
}

function applyMath(math: string, start: number, roundUp: boolean, zone: TimeZone, budget: DateWorkBudget | undefined): DateOutcome {
  let instant = start;
  let i = 0;
  let operations = 0;
  while (i < math.length) {
    operations++;
    if (operations > MAX_DATE_MATH_OPERATIONS) {
      return () => parseError(`date math [${math.slice(0, 64)}...] has more than [${MAX_DATE_MATH_OPERATIONS}] operations`);
    }
    budget?.spend(!zone.fixed);
    const operator = math[i++];
    let round = false;
    let sign = 1;
    if (operator === "/") round = true;
    else if (operator === "+") sign = 1;
    else if (operator === "-") sign = -1;
    else return () => parseError(`operator not supported for date math [${math}]`);
    if (i >= math.length) return () => parseError(`truncated date math [${math}]`);
    let amount = 1;
    if (!round) {
      const digitsStart = i;
      while (i < math.length && isDigit(math.charCodeAt(i))) i++;
      if (i > digitsStart) amount = Number(math.slice(digitsStart, i));
      if (i >= math.length) return () => parseError(`truncated date math [${math}]`);
    } else if (isDigit(math.charCodeAt(i))) {
      return () => parseError(`rounding \`/\` can only be used on single unit types [${math}]`);
    }
    const unit = math[i++] as string;
    if (!isDateUnit(unit)) return () => parseError(`unit [${unit}] not supported for date math [${math}]`);
    if (round) {
      instant = roundDown(instant, unit, zone);
      if (roundUp) instant = addUnits(instant, unit, 1, zone) - 1;
    } else {
      instant = addUnits(instant, unit, sign * amount, zone);
    }
  }
  if (!Number.isFinite(instant)) return () => parseError(`date math [${math}] is out of range`);
  return instant;
}

/** Prints an instant with a format (default {@link DEFAULT_FORMAT}, i.e. ISO 8601 with millis, `Z`). */
export function formatDate(instant: number, format: DateFormat = DEFAULT_FORMAT, zone: TimeZone = UTC): string {
  return format.format(instant, zone);
}
