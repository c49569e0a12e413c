/** The `simple_query_string` query: its parsed tree (simple-query-string.ts) over the fields it names. */
import { SecurityError, illegalArgument } from "../support/security-error.js";
import type { ApiKeyField } from "./api-key-fields.js";
import { parseDateMathOrUndefined } from "./date-math.js";
import { dateSpan, keywordRegex, termFilter } from "./field-filters.js";
import { and, matchNone, nor, or, type MongoFilter } from "./mongo-filter.js";
import {
  MAX_QUERY_CLAUSES,
  checkOnlyKeys,
  countClauses,
  optionalBoolean,
  optionalString,
  type JsonObject,
  type QueryContext,
} from "./query-context.js";
import { parsingError, queryShardError } from "./query-errors.js";
import { parseSimpleQueryString, type SimpleQueryNode } from "./simple-query-string.js";
import { prefixToRegex } from "./wildcard-to-regex.js";

const SIMPLE_QUERY_OPTIONS = [
  "query",
  "fields",
  "default_operator",
  "analyzer",
  "flags",
  "lenient",
  "minimum_should_match",
  "quote_field_suffix",
  "analyze_wildcard",
  "auto_generate_synonyms_phrase_query",
  "fuzzy_prefix_length",
  "fuzzy_max_expansions",
  "fuzzy_transpositions",
  "type",
];

export function translateSimpleQueryString(body: JsonObject, context: QueryContext): MongoFilter {
  checkOnlyKeys(body, "simple_query_string", SIMPLE_QUERY_OPTIONS);
  if (body.query === undefined || body.query === null) throw parsingError("[simple_query_string] query text missing");
  if (typeof body.query !== "string") throw parsingError("[simple_query_string] failed to parse field [query]");
  const text = body.query;
  let fieldNames: string[] = ["*"];
  if (body.fields !== undefined) {
    if (!Array.isArray(body.fields) || !body.fields.every((f): f is string => typeof f === "string")) {
      throw parsingError("[simple_query_string] failed to parse field [fields]");
    }
    if (body.fields.length > 0) fieldNames = body.fields;
  }
  const operatorText = optionalString(body, "default_operator", "simple_query_string") ?? "or";
  if (!/^(and|or)$/i.test(operatorText)) throw illegalArgument(`operator needs to be either and, or, but not [${operatorText}]`);
  const defaultOperator = operatorText.toLowerCase() === "and" ? "and" : "or";
  const allFields = fieldNames.length === 1 && fieldNames[0] === "*";
  // Like Elasticsearch: querying every field forces lenient, or date fields would fail every text.
  const lenient = allFields || (optionalBoolean(body, "lenient", "simple_query_string") ?? false);

  if (fieldNames.length > MAX_QUERY_CLAUSES) {
    throw illegalArgument(`Query contains too many nested clauses; maxClauseCount is set to ${MAX_QUERY_CLAUSES}`);
  }
  const fields = new Map<string, ApiKeyField>();
  for (const entry of fieldNames) {
    const name = entry.replace(/\^[0-9.]*$/, "");
    for (const field of context.fields.resolvePattern(name)) fields.set(field.path, field);
  }
  if (fields.size === 0) return matchNone();
  const tree = parseSimpleQueryString(text, defaultOperator);
  if (tree === undefined) return matchNone();
  const filter = translateSimpleNode(tree, [...fields.values()], lenient, context);
  return filter ?? matchNone();
}

function translateSimpleNode(
  node: SimpleQueryNode,
  fields: readonly ApiKeyField[],
  lenient: boolean,
  context: QueryContext,
): MongoFilter | undefined {
  switch (node.kind) {
    case "term": {
      // One clause per field, as Elasticsearch expands a multi-field term: a long text over many
      // fields must not build millions of filters.
      countClauses(context, fields.length);
      const perField: MongoFilter[] = [];
      for (const field of fields) {
        const filter = simpleTermFilter(node.text, node.prefix, field, lenient, context);
        if (filter !== undefined) perField.push(filter);
      }
      return perField.length === 0 ? undefined : or(perField);
    }
    case "not": {
      const child = translateSimpleNode(node.child, fields, lenient, context);
      return child === undefined ? undefined : nor([child]);
    }
    case "bool": {
      const children = node.children
        .map((child) => translateSimpleNode(child, fields, lenient, context))
        .filter((child): child is MongoFilter => child !== undefined);
      if (children.length === 0) return undefined;
      return node.operator === "and" ? and(children) : or(children);
    }
  }
}

function simpleTermFilter(
  text: string,
  prefix: boolean,
  field: ApiKeyField,
  lenient: boolean,
  context: QueryContext,
): MongoFilter | undefined {
  try {
    if (prefix) {
      if (field.kind !== "keyword") {
        throw queryShardError(
          `Can only use prefix queries on keyword, text and wildcard fields - not on [${field.indexName}] which is of type [${field.kind}]`,
        );
      }
      const matchesMissing = field.missingAs !== undefined && field.missingAs.startsWith(text);
      // A text field's tokens are lowercase, and so is the prefix Elasticsearch normalizes for one.
      return keywordRegex(field, prefixToRegex(field.analyzed ? text.toLowerCase() : text), false, matchesMissing);
    }
    if (lenient && field.kind === "date") {
      // Most words are not dates: skipped without building an exception for each field and term.
      const options = { now: context.now, budget: context.budget };
      const lower = parseDateMathOrUndefined(text, options);
      const upper = lower === undefined ? undefined : parseDateMathOrUndefined(text, { ...options, roundUp: true });
      return lower === undefined || upper === undefined ? undefined : dateSpan(field, lower, upper);
    }
    if (lenient && field.kind === "boolean" && text !== "true" && text !== "false" && text !== "") return undefined;
    return termFilter(field, text, false, "simple_query_string", context);
  } catch (error) {
    if (lenient && error instanceof SecurityError) return undefined;
    throw error;
  }
}
