/**
 * Simple Java date patterns (`yyyy-MM-dd HH:mm:ss`, `dd/MM/yyyy`): tokenized once, then read by a
 * one-pass scanner whose cost is linear in the text (a request chooses both pattern and text).
 */
import { isDigit } from "../support/is-digit.js";
import { illegalArgument } from "../support/security-error.js";
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

export function customFormat(pattern: string): FormatAlternative {
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
