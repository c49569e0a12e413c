import type { Request } from "express";
import type { SecurityHeaders } from "../authc/authentication-service.js";
import { ParsedAuthorization } from "../authc/parsed-authorization.js";

/** A request's security headers, its credentials wrapped once for the whole request. */
export interface RequestSecurityHeaders extends SecurityHeaders {
  /** `Authorization`; its `header` is `undefined` when the request sent none. */
  authorization: ParsedAuthorization;
  runAs?: string;
  /** `es-secondary-authorization`, when sent and not blank. */
  secondary?: ParsedAuthorization;
}

function single(value: string | string[] | undefined): string | undefined {
  // A repeated header is ambiguous; take none of it rather than guess which one counts.
  if (Array.isArray(value)) return value.length === 1 ? value[0] : "";
  return value;
}

/** Read once per request by the authenticate middleware, then handed down with the request. */
export function readSecurityHeaders(req: Request): RequestSecurityHeaders {
  const headers: RequestSecurityHeaders = { authorization: new ParsedAuthorization(single(req.headers.authorization)) };
  const runAs = single(req.headers["es-security-runas-user"]);
  const secondary = single(req.headers["es-secondary-authorization"]);
  if (runAs !== undefined) headers.runAs = runAs;
  if (secondary !== undefined && secondary.trim() !== "") headers.secondary = new ParsedAuthorization(secondary);
  return headers;
}
