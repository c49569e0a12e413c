/**
 * A parser for Lucene's simple query string syntax, as `simple_query_string` uses it. It yields a
 * small tree; `translate-simple-query-string.ts` turns each term into per-field filters.
 *
 * Supported (all of Lucene's `ALL` flags, with the meaning they have on keyword fields):
 * - whitespace between clauses: the `default_operator` (`or` unless told otherwise);
 * - `+` AND, `|` OR (left-associative, no precedence, like Lucene), `-` negates the next clause
 *   (a negated clause alone means "everything except"), `( )` grouping;
 * - `"quoted text"`: one exact term (keyword fields are not tokenized); `~N` slop is ignored;
 * - `term*`: a prefix query; `\` escapes the next character;
 * - `term~N` fuzziness is parsed and ignored: the term matches exactly (no fuzzy matching).
 */
import { illegalArgument, type SecurityError } from "../support/security-error.js";

/** A parsed simple query string. */
export type SimpleQueryNode =
  | { readonly kind: "term"; readonly text: string; readonly prefix: boolean }
  | { readonly kind: "bool"; readonly operator: "and" | "or"; readonly children: readonly SimpleQueryNode[] }
  | { readonly kind: "not"; readonly child: SimpleQueryNode };

/** Most clauses one simple query string may produce (a guard). */
export const MAX_SIMPLE_QUERY_CLAUSES = 1024;

/** Deepest `(` nesting accepted: the bool query's `indices.query.bool.max_nested_depth`. */
export const MAX_SIMPLE_QUERY_DEPTH = 30;

interface ParserState {
  readonly text: string;
  index: number;
  clauses: number;
}

function tooDeep(): SecurityError {
  return illegalArgument(
    `[simple_query_string] query nests groups more than [${MAX_SIMPLE_QUERY_DEPTH}] deep, the maximum nested depth for queries set in [indices.query.bool.max_nested_depth]`,
  );
}

function tooManyClauses(): SecurityError {
  return illegalArgument(`[simple_query_string] query contains too many clauses; the maximum is [${MAX_SIMPLE_QUERY_CLAUSES}]`);
}

function isWhitespace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\f";
}

function combine(top: SimpleQueryNode | undefined, operator: "and" | "or", branch: SimpleQueryNode): SimpleQueryNode {
  if (top === undefined) return branch;
  if (top.kind === "bool" && top.operator === operator) {
    return { kind: "bool", operator, children: [...top.children, branch] };
  }
  return { kind: "bool", operator, children: [top, branch] };
}

/**
 * Parses `text` with `defaultOperator` between clauses. Returns `undefined` when the text holds
 * no term at all (Elasticsearch then matches nothing).
 * @throws SecurityError 400 when groups nest deeper than {@link MAX_SIMPLE_QUERY_DEPTH} or the
 *   text holds more than {@link MAX_SIMPLE_QUERY_CLAUSES} clauses.
 */
export function parseSimpleQueryString(text: string, defaultOperator: "and" | "or"): SimpleQueryNode | undefined {
  const state: ParserState = { text, index: 0, clauses: 0 };
  return parseClauses(state, defaultOperator, 0);
}

function parseClauses(state: ParserState, defaultOperator: "and" | "or", depth: number): SimpleQueryNode | undefined {
  const nested = depth > 0;
  let top: SimpleQueryNode | undefined;
  let operator: "and" | "or" | undefined;
  let negations = 0;
  const { text } = state;
  while (state.index < text.length) {
    const c = text[state.index] as string;
    let branch: SimpleQueryNode | undefined;
    if (c === "(") {
      state.index++;
      // The parser recurses once per group: bounded here, before the stack is.
      if (depth >= MAX_SIMPLE_QUERY_DEPTH) throw tooDeep();
      branch = parseClauses(state, defaultOperator, depth + 1);
    } else if (c === ")") {
      state.index++;
      if (nested) break;
      // A stray closing parenthesis is ignored, as Lucene does.
      continue;
    } else if (c === '"') {
      branch = consumePhrase(state);
    } else if (c === "+") {
      state.index++;
      if (top !== undefined && operator === undefined) operator = "and";
      negations = 0;
      continue;
    } else if (c === "|") {
      state.index++;
      if (top !== undefined && operator === undefined) operator = "or";
      negations = 0;
      continue;
    } else if (c === "-") {
      state.index++;
      negations++;
      continue;
    } else if (isWhitespace(c)) {
      state.index++;
      continue;
    } else {
      branch = consumeToken(state);
    }
    if (branch !== undefined) {
      state.clauses++;
      if (state.clauses > MAX_SIMPLE_QUERY_CLAUSES) throw tooManyClauses();
      if (negations % 2 === 1) branch = { kind: "not", child: branch };
      top = combine(top, operator ?? defaultOperator, branch);
    }
    operator = undefined;
    negations = 0;
  }
  return top;
}

function consumePhrase(state: ParserState): SimpleQueryNode | undefined {
  state.index++; // opening quote
  const { value, stop } = readUntil(state, (c) => c === '"');
  const closed = stop !== undefined;
  if (closed) state.index++;
  if (closed && state.text[state.index] === "~") skipFuzziness(state);
  // An unclosed quote makes Lucene treat the rest as a phrase as well.
  if (value === "") return undefined;
  return { kind: "term", text: value, prefix: false };
}

/**
 * Reads characters (a backslash escapes the next one) up to the first one `stops` accepts, which is
 * left unread and returned as `stop`; `stop` is undefined at the end of the text.
 */
function readUntil(state: ParserState, stops: (c: string, index: number) => boolean): { value: string; stop: string | undefined } {
  const { text } = state;
  let value = "";
  while (state.index < text.length) {
    const c = text[state.index] as string;
    if (c === "\\" && state.index + 1 < text.length) {
      value += text[state.index + 1];
      state.index += 2;
      continue;
    }
    if (stops(c, state.index)) return { value, stop: c };
    value += c;
    state.index++;
  }
  return { value, stop: undefined };
}

/** Skips `~` and the edit distance or slop after it (accepted, then ignored). */
function skipFuzziness(state: ParserState): void {
  state.index++;
  while (state.index < state.text.length && /[0-9]/.test(state.text[state.index] as string)) state.index++;
}

function isTokenEnd(text: string, index: number): boolean {
  if (index >= text.length) return true;
  const c = text[index] as string;
  return isWhitespace(c) || c === "|" || c === "+" || c === "(" || c === ")" || c === '"';
}

function consumeToken(state: ParserState): SimpleQueryNode | undefined {
  const { text } = state;
  const { value, stop } = readUntil(
    state,
    (c, index) => isTokenEnd(text, index) || c === "~" || (c === "*" && isTokenEnd(text, index + 1)),
  );
  let prefix = false;
  // `*` stops the read only as the token's last character: a prefix query.
  if (stop === "*") {
    prefix = true;
    state.index++;
  } else if (stop === "~") {
    skipFuzziness(state);
  }
  if (value === "" && !prefix) return undefined;
  return { kind: "term", text: value, prefix };
}
