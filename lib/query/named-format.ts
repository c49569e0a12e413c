/**
 * Elasticsearch's named date formats (`strict_date_optional_time`, `epoch_millis`, `date`, ...):
 * fixed layouts, read with anchored regular expressions built here (never from request text).
 */
import {
  localParts,
  pad,
  parseOffset,
  printOffset,
  type FieldParser,
  type FieldPrinter,
  type FormatAlternative,
  type ParsedFields,
} from "./format-alternative.js";

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
  const regex = new RegExp(`^${year}(?:-${two}(?:-${two}(?:T${two}(?::${two}(?::${two}(?:[.,](\\d{1,9}))?)?)?${OFFSET}?)?)?)?$`);
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

export function namedFormat(name: string): FormatAlternative | undefined {
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
