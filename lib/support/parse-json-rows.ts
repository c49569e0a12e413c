/**
 * Rows of an import file: a JSON array, or NDJSON (one JSON value per line), each row with the
 * line it starts on, so problems can be reported where an editor shows them.
 */

/** One parsed row and the 1-based line where it starts. */
export interface JsonRow {
  value: unknown;
  line: number;
}

/** A row that is not valid JSON, or a file-level problem (then `line` is where it was found). */
export interface JsonRowProblem {
  line: number;
  reason: string;
}

export interface ParsedJsonRows {
  format: "json-array" | "ndjson";
  rows: JsonRow[];
  problems: JsonRowProblem[];
}

/**
 * `JSON.parse`'s own messages quote the input (a secret may be there), so only the position is
 * kept from them.
 */
function invalidJson(error: unknown, text: string, base: number): { offset: number; reason: string } {
  const message = error instanceof Error ? error.message : "";
  const position = /position (\d+)/.exec(message);
  if (position) {
    const offset = base + Number(position[1]);
    return { offset, reason: "invalid JSON" };
  }
  if (/end of (JSON|data) input/i.test(message)) return { offset: base + text.length, reason: "invalid JSON: unexpected end of input" };
  return { offset: base, reason: "invalid JSON" };
}

/** Offsets where each line starts, for offset → line lookups. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] as number) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

function isJsonSpace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function parseNdjson(text: string): ParsedJsonRows {
  const rows: JsonRow[] = [];
  const problems: JsonRowProblem[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const source = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (source.trim() === "") return;
    try {
      rows.push({ value: JSON.parse(source), line: index + 1 });
    } catch (error) {
      const { offset, reason } = invalidJson(error, source, 0);
      problems.push({ line: index + 1, reason: `${reason} (column ${Math.min(offset, source.length) + 1})` });
    }
  });
  return { format: "ndjson", rows, problems };
}

/**
 * Splits a top-level JSON array into its elements without parsing them (strings and nesting are
 * tracked, nothing else), then parses each one: a bad element is reported at its own line and the
 * others still parse, so one run shows every problem.
 */
function parseJsonArray(text: string, open: number): ParsedJsonRows {
  const starts = lineStarts(text);
  const rows: JsonRow[] = [];
  const problems: JsonRowProblem[] = [];
  const problemAt = (offset: number, reason: string) => problems.push({ line: lineAt(starts, offset), reason });

  let depth = 0;
  let inString = false;
  let elementStart = -1;
  let expectValue = true;
  let closed = -1;
  const finishElement = (end: number) => {
    const source = text.slice(elementStart, end);
    try {
      rows.push({ value: JSON.parse(source), line: lineAt(starts, elementStart) });
    } catch (error) {
      const { offset, reason } = invalidJson(error, source, elementStart);
      const line = lineAt(starts, Math.min(offset, elementStart + source.length));
      problems.push({
        line,
        reason: line === lineAt(starts, elementStart) ? reason : `${reason} (in the row starting at line ${lineAt(starts, elementStart)})`,
      });
    }
    elementStart = -1;
  };

  for (let i = open + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c) i++;
      else if (code === 0x22) inString = false;
      continue;
    }
    if (depth === 0 && elementStart < 0) {
      if (isJsonSpace(code)) continue;
      if (code === 0x5d) {
        if (expectValue && rows.length + problems.length > 0) problemAt(i, "invalid JSON: trailing comma before ]");
        closed = i;
        break;
      }
      if (code === 0x2c) {
        if (expectValue) problemAt(i, "invalid JSON: missing value before ,");
        expectValue = true;
        continue;
      }
      if (!expectValue) {
        problemAt(i, "invalid JSON: missing , between rows");
      }
      elementStart = i;
      expectValue = false;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x7b || code === 0x5b) depth++;
    else if (code === 0x7d || code === 0x5d) {
      if (depth === 0) {
        // `]` closing the array right after a scalar element.
        finishElement(i);
        closed = i;
        break;
      }
      depth--;
    } else if (depth === 0 && code === 0x2c) {
      finishElement(i);
      expectValue = true;
      continue;
    }
    if (depth === 0 && elementStart >= 0 && (code === 0x7d || code === 0x5d)) {
      // A closed object or array at top level: the element ends here (a `,` or `]` follows).
      finishElement(i + 1);
    }
  }
  if (elementStart >= 0) finishElement(text.length);
  if (closed < 0) {
    problemAt(text.length, "invalid JSON: the array is not closed with ]");
  } else if (text.slice(closed + 1).trim() !== "") {
    problemAt(
      closed + 1 + (text.slice(closed + 1).length - text.slice(closed + 1).trimStart().length),
      "invalid JSON: content after the closing ]",
    );
  }
  return { format: "json-array", rows, problems };
}

/**
 * Parses an import file. A file whose first non-blank character is `[` is one JSON array (rows are
 * its elements, each at the line where it starts); anything else is NDJSON (one row per non-blank
 * line). A leading byte-order mark is ignored. Problems never quote the file's content.
 */
export function parseJsonRows(text: string): ParsedJsonRows {
  const body = text.charCodeAt(0) === 0xfeff ? " " + text.slice(1) : text;
  let first = 0;
  while (first < body.length && isJsonSpace(body.charCodeAt(first))) first++;
  if (body[first] === "[") return parseJsonArray(body, first);
  return parseNdjson(body);
}
