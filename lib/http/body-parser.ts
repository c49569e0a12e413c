import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { xContentParseError } from "../support/security-error.js";
import { nestsDeeperThan } from "../support/unsafe-key.js";

/**
 * Deepest JSON nesting accepted in a request body: Elasticsearch's parser limit (Jackson's
 * `StreamReadConstraints` default). Deeper bodies are refused before any handler walks them, so
 * no recursive step (serialization, cloning, storage) can overflow the stack or the database's
 * own nesting limit.
 */
export const MAX_BODY_NESTING = 1000;

/**
 * JSON bodies, including Elasticsearch clients' vendor media type
 * (`application/vnd.elasticsearch+json; compatible-with=9`), with a size and a nesting limit.
 */
export function createBodyParser(limit: string | number): RequestHandler {
  const types = ["application/json", "application/*+json"];
  const json = express.json({ limit, strict: true, type: types });
  return (req: Request, res: Response, next: NextFunction) => {
    // Express 4's parser sets `req.body = {}` on a request it does not parse (no body, another
    // media type); Express 5's leaves it undefined. Handlers tell a missing body from `{}` as
    // Elasticsearch does, so the parser only sees requests it will read: the same test it applies.
    if (!req.is(types)) {
      // On a request without a JSON body, a `{}` is that same placeholder, left by the host app's
      // own Express 4 parser mounted in front.
      if (isEmptyObject(req.body)) req.body = undefined;
      return checkNesting(req, next);
    }
    json(req, res, (error?: unknown) => {
      if (error) return next(error);
      checkNesting(req, next);
    });
  };
}

function isEmptyObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (proto === Object.prototype || proto === null) && Object.keys(value).length === 0;
}

function checkNesting(req: Request, next: NextFunction): void {
  if (nestsDeeperThan(req.body, MAX_BODY_NESTING - 1)) {
    req.body = undefined;
    return next(
      xContentParseError(`Document nesting depth (${MAX_BODY_NESTING + 1}) exceeds the maximum allowed (${MAX_BODY_NESTING}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`),
    );
  }
  next();
}
