import type { Request } from "express";
import type { SecurityHeaders } from "../authc/authentication-service.js";

function single(value: string | string[] | undefined): string | undefined {
  // A repeated header is ambiguous; take none of it rather than guess which one counts.
  if (Array.isArray(value)) return value.length === 1 ? value[0] : "";
  return value;
}

export function readSecurityHeaders(req: Request): SecurityHeaders {
  const headers: SecurityHeaders = {};
  const authorization = single(req.headers.authorization);
  const runAs = single(req.headers["es-security-runas-user"]);
  const secondary = single(req.headers["es-secondary-authorization"]);
  if (authorization !== undefined) headers.authorization = authorization;
  if (runAs !== undefined) headers.runAs = runAs;
  if (secondary !== undefined && secondary.trim() !== "") headers.secondary = secondary;
  return headers;
}
