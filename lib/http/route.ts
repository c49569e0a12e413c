import { parse as parseQuery } from "node:querystring";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Authentication } from "../model/authentication.js";
import { illegalArgument } from "../support/security-error.js";
import type { Responder } from "./responder.js";

/** What a route handler returns: a status (default 200) and a JSON body. */
export interface RouteResult {
  status?: number;
  body: unknown;
}

export interface RouteInput {
  req: Request;
  auth: Authentication;
  /** Validated query string: only declared parameters, each a single string. */
  query: Record<string, string>;
  params: Record<string, string>;
  body: unknown;
}

const ALWAYS_ALLOWED = ["pretty", "human", "error_trace", "filter_path", "format"];

export type RouteHandler = (input: RouteInput) => Promise<RouteResult>;

/**
 * Wraps one REST handler: checks the query string against the declared parameters (as
 * Elasticsearch does), hands the handler plain inputs and renders results; errors go to the
 * router's error handler.
 */
export type Route = (allowedParams: readonly string[], handler: RouteHandler) => RequestHandler;

/** The {@link Route} of a router, answering through its `responder`. */
export function createRoute(responder: Responder): Route {
  return (allowedParams, handler) => (req: Request, res: Response, next: NextFunction) => {
    const run = async (): Promise<RouteResult> => {
      const query: Record<string, string> = {};
      // The routes live under the router's `/_security` layer: `req.path` is what follows it.
      for (const [name, value] of Object.entries(parseQueryString(req.url))) {
        if (!allowedParams.includes(name) && !ALWAYS_ALLOWED.includes(name)) {
          throw illegalArgument(`request [/_security${req.path}] contains unrecognized parameter: [${name}]`);
        }
        if (typeof value !== "string")
          throw illegalArgument(`request [/_security${req.path}] parameter [${name}] must be given once, as a plain value`);
        query[name] = value;
      }
      const auth = req.security?.authentication;
      if (!auth) throw new TypeError("express-keyguard: the security router ran without authentication");
      return handler({ req, auth, query, params: req.params as Record<string, string>, body: req.body });
    };
    run().then(
      // Answered already (the router's storeTimeout deadline): the responder drops a late result.
      (result) => responder.send(res, result.status ?? 200, result.body),
      // The router's error handler renders it (and reports an unexpected one).
      (error: unknown) => next(error),
    );
  };
}

/**
 * Query parameters as Elasticsearch reads them: `name=value` pairs, a repeated name giving a list.
 * Read from the URL rather than `req.query`, whose parser depends on the Express major (Express 4
 * defaults to nested `a[b]=c` objects) and on the host app's `query parser` setting.
 */
function parseQueryString(url: string): Record<string, string | string[] | undefined> {
  const start = url.indexOf("?");
  return start === -1 ? {} : parseQuery(url.slice(start + 1));
}

/** Parses an Elasticsearch boolean query parameter (`true`/`false`, empty means true). */
export function booleanParam(query: Record<string, string>, name: string, fallback = false): boolean {
  const value = query[name];
  if (value === undefined) return fallback;
  if (value === "" || value === "true") return true;
  if (value === "false") return false;
  throw illegalArgument(`Failed to parse value [${value}] as only [true] or [false] are allowed.`);
}

/** Splits a comma-separated path parameter. */
export function listParam(value: string | undefined): string[] | undefined {
  if (value === undefined || value === "" || value === "_all" || value === "*") return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
