/** The `bool` query, with Elasticsearch's `minimum_should_match` specs. */
import { illegalArgument } from "../support/security-error.js";
import { and, matchNone, nor, or, type MongoFilter } from "./mongo-filter.js";
import { checkOnlyKeys, optionalBoolean, type ClauseTranslator, type JsonObject, type QueryContext } from "./query-context.js";
import { parsingError } from "./query-errors.js";

/** Most `$or` branches a `minimum_should_match` between 1 and the clause count may expand to. */
export const MAX_SHOULD_COMBINATIONS = 1024;

const BOOL_OCCURS = ["must", "filter", "should", "must_not"] as const;

function clauseList(value: unknown, context: QueryContext, depth: number, translateClause: ClauseTranslator): MongoFilter[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((clause) => translateClause(clause, context, depth + 1));
}

export function translateBool(body: JsonObject, context: QueryContext, depth: number, translateClause: ClauseTranslator): MongoFilter {
  checkOnlyKeys(body, "bool", [...BOOL_OCCURS, "minimum_should_match", "adjust_pure_negative"]);
  const must = [
    ...clauseList(body.must ?? [], context, depth, translateClause),
    ...clauseList(body.filter ?? [], context, depth, translateClause),
  ];
  const should = clauseList(body.should ?? [], context, depth, translateClause);
  const mustNot = clauseList(body.must_not ?? [], context, depth, translateClause);
  optionalBoolean(body, "adjust_pure_negative", "bool");
  const hasRequired = must.length > 0;
  const msmSpec = body.minimum_should_match;
  let required: number;
  if (msmSpec === undefined || msmSpec === null) {
    required = should.length > 0 && !hasRequired ? 1 : 0;
  } else {
    required = minimumShouldMatch(should.length, msmSpec);
  }
  const parts = [...must];
  if (should.length > 0 && required > 0) parts.push(atLeast(should, required));
  if (mustNot.length > 0) parts.push(nor(mustNot));
  return and(parts);
}

/**
 * Elasticsearch's `Queries.calculateMinShouldMatch`: an integer, a negative integer (all but N),
 * a percentage (`"75%"`, `"-25%"`), or conditional specs (`"3<90%"`, `"2<-25% 9<-3"`).
 */
export function minimumShouldMatch(optionalClauses: number, spec: unknown): number {
  let text: string;
  if (typeof spec === "number" && Number.isInteger(spec)) text = String(spec);
  else if (typeof spec === "string") text = spec.trim();
  else throw parsingError("[bool] failed to parse field [minimum_should_match]");
  const fail = (): never => {
    throw illegalArgument(`Invalid minimum_should_match [${text}]`);
  };
  const single = (part: string): number => {
    const match = /^(-?)(\d+)(%?)$/.exec(part);
    if (!match) return fail();
    const value = Number(match[2]);
    const negative = match[1] === "-";
    let result: number;
    if (match[3] === "%") {
      const computed = Math.floor((optionalClauses * value) / 100);
      result = negative ? optionalClauses - computed : computed;
    } else {
      result = negative ? optionalClauses - value : value;
    }
    return result;
  };
  let result: number;
  if (text.includes("<")) {
    result = optionalClauses;
    for (const condition of text.split(/\s+/)) {
      const [upTo, then] = condition.split("<");
      if (upTo === undefined || then === undefined || !/^\d+$/.test(upTo)) fail();
      if (optionalClauses > Number(upTo)) result = single(then as string);
    }
  } else {
    result = single(text);
  }
  return result < 0 ? 0 : result;
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) {
    result = (result * (n - k + i)) / i;
    if (result > MAX_SHOULD_COMBINATIONS) return result;
  }
  return result;
}

/** At least `required` of `clauses`: an `$or` over the combinations (bounded). */
function atLeast(clauses: readonly MongoFilter[], required: number): MongoFilter {
  if (required > clauses.length) return matchNone();
  if (required <= 1) return or(clauses);
  if (required === clauses.length) return and(clauses);
  if (binomial(clauses.length, required) > MAX_SHOULD_COMBINATIONS) {
    throw illegalArgument(
      `[bool] minimum_should_match [${required}] of [${clauses.length}] should clauses is too expensive to translate; ` +
        `at most [${MAX_SHOULD_COMBINATIONS}] combinations are supported`,
    );
  }
  const combinations: MongoFilter[] = [];
  const pick = (start: number, chosen: MongoFilter[]): void => {
    if (chosen.length === required) {
      combinations.push(and(chosen));
      return;
    }
    for (let i = start; i <= clauses.length - (required - chosen.length); i++) {
      pick(i + 1, [...chosen, clauses[i] as MongoFilter]);
    }
  };
  pick(0, []);
  return or(combinations);
}
