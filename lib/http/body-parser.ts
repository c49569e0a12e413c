import express, { type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { byteSize } from "../support/byte-size.js";
import { SecurityError, xContentParseError } from "../support/security-error.js";
import { nestsDeeperThan } from "../support/unsafe-key.js";

/**
 * Deepest JSON nesting accepted in a request body: Elasticsearch's parser limit (Jackson's
 * `StreamReadConstraints` default). Deeper bodies are refused before any handler walks them, so
 * no recursive step (serialization, cloning, storage) can overflow the stack or the database's
 * own nesting limit.
 */
export const MAX_BODY_NESTING = 1000;

const MEDIA_TYPES = ["application/json", "application/*+json"];

function nestingError(): SecurityError {
  return xContentParseError(
    `Document nesting depth (${MAX_BODY_NESTING + 1}) exceeds the maximum allowed (${MAX_BODY_NESTING}, from \`StreamReadConstraints.getMaxNestingDepth()\`)`,
  );
}

/**
 * A body the host's own parser (an `express.json()` mounted before the router) already read: the
 * router's rules still hold. Another media type is no body, as the router's parser would leave it;
 * a body over the router's limit is refused (by its declared length, or, compressed or chunked,
 * by the size of its JSON, which is never more than what was sent); only an object or array is a
 * body, as with a strict parser.
 */
function checkParsedBody(req: Request, limit: number | undefined): SecurityError | undefined {
  if (!req.is(MEDIA_TYPES)) {
    req.body = undefined;
    return undefined;
  }
  const body: unknown = req.body;
  if (body === undefined) return undefined;
  if (body === null || typeof body !== "object") {
    req.body = undefined;
    return xContentParseError("failed to parse the request body as JSON: expected an object or an array");
  }
  if (nestsDeeperThan(body, MAX_BODY_NESTING - 1)) {
    req.body = undefined;
    return nestingError();
  }
  if (limit === undefined) return undefined;
  const declared = Number(req.headers["content-length"]);
  const identity = (req.headers["content-encoding"] ?? "identity").toLowerCase() === "identity";
  const size = Number.isFinite(declared) && identity ? declared : Buffer.byteLength(JSON.stringify(body));
  if (size > limit) {
    req.body = undefined;
    return new SecurityError(413, "content_too_long_exception", "request body is too large");
  }
  return undefined;
}

/**
 * JSON bodies, including Elasticsearch clients' vendor media type
 * (`application/vnd.elasticsearch+json; compatible-with=9`), with a size and a nesting limit,
 * whether the router reads the body itself or the host's parser read it first.
 */
export function createBodyParser(limit: string | number): RequestHandler {
  const json = express.json({ limit, strict: true, type: MEDIA_TYPES });
  const limitBytes = byteSize(limit);
  return (req: Request, res: Response, next: NextFunction) => {
    // Read already (Express 4's parsers also flag `_body`): the host's parser ran first.
    if (req.readableEnded || (req as { _body?: unknown })._body === true) return next(checkParsedBody(req, limitBytes));
    // Express 4's parser sets `req.body = {}` on a request it does not parse (no body, another
    // media type); Express 5's leaves it undefined. Handlers tell a missing body from `{}` as
    // Elasticsearch does, so the parser only sees requests it will read, and anything else a
    // host's parser left (that placeholder, a form) is no body, as the router's parser would leave it.
    if (!req.is(MEDIA_TYPES)) {
      req.body = undefined;
      return next();
    }
    json(req, res, (error?: unknown) => {
      if (error) return next(error);
      if (nestsDeeperThan(req.body, MAX_BODY_NESTING - 1)) {
        req.body = undefined;
        return next(nestingError());
      }
      next();
    });
  };
}
