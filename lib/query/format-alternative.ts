/**
 * What one alternative of a date format (`a||b`) is made of, the named formats and the custom
 * patterns alike: a parser to date-time fields and a printer, plus the pieces both share.
 */
import { MINUTE } from "./calendar.js";
import type { TimeZone } from "./time-zone.js";

/** The date-time fields a format parsed; absent ones are filled at resolution time. */
export interface ParsedFields {
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

export type FieldParser = (text: string) => ParsedFields | number | undefined;
export type FieldPrinter = (instant: number, zone: TimeZone) => string;

export interface FormatAlternative {
  parse: FieldParser;
  print: FieldPrinter;
}

export function parseOffset(text: string | undefined): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (text === "Z" || text === "z") return 0;
  const match = /^([+-])(\d{2}):?(\d{2})?$/.exec(text);
  if (!match) return undefined;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? "0");
  return match[1] === "-" ? -minutes : minutes;
}

export function pad(value: number, width: number): string {
  const sign = value < 0 ? "-" : "";
  return sign + String(Math.abs(value)).padStart(width, "0");
}

export function localParts(instant: number, zone: TimeZone): { offset: number; date: Date } {
  const offset = zone.offsetAt(instant);
  return { offset, date: new Date(instant + offset * MINUTE) };
}

export function printOffset(offset: number): string {
  if (offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}
