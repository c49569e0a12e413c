import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { ApiKeyLimitEnforcer } from "../services/api-keys/limits/api-key-limit-enforcer.js";
import { continueAfter } from "./charge-request.js";
import type { Responder } from "./responder.js";

/** What a route charges a key with limits: `cost` against its rate limit `name`, and `cost` credits. */
export interface RouteCost {
  /** The rate limit charged (a key without a limit of that name pays only the credits). */
  name: string;
  /** Default 1; 0 charges nothing. */
  cost?: number;
}

export type RouteCharger = Pick<ApiKeyLimitEnforcer, "chargeRoute">;

const NAME = /^[a-z0-9_-]{1,64}$/;

/** Checks a route cost once, where the route is declared; throws a `TypeError` naming `where`. */
export function parseRouteCost(value: unknown, where: string): Required<RouteCost> {
  const { name, cost = 1 } = (value ?? {}) as { name?: unknown; cost?: unknown };
  if (typeof name !== "string" || !NAME.test(name)) {
    throw new TypeError(`express-keyguard: ${where}: the limit name must match [a-z0-9_-]{1,64}, got ${JSON.stringify(name)}`);
  }
  if (typeof cost !== "number" || !Number.isSafeInteger(cost) || cost < 0) {
    throw new TypeError(`express-keyguard: ${where}: the cost must be a non-negative integer, got ${JSON.stringify(cost)}`);
  }
  return { name, cost };
}

/**
 * Charges the route's cost to the request's key when the key has limits, after the request's own
 * charge (see `chargeRequest`); any other request passes through untouched.
 */
export function chargeRoute(
  charger: RouteCharger,
  cost: Required<RouteCost>,
  req: Request,
  res: Response,
  responder: Responder,
  next: NextFunction,
): void {
  const auth = req.security?.authentication;
  const limits = auth?.apiKey?.limits;
  if (auth === undefined || limits === undefined || cost.cost === 0) return next();
  continueAfter(charger.chargeRoute(auth, limits, cost.name, cost.cost), req, res, responder, next);
}

/** `security.consume(name, cost)`: {@link chargeRoute} as a middleware. */
export function createConsume(charger: RouteCharger, name: unknown, cost: unknown, responder: Responder): RequestHandler {
  const parsed = parseRouteCost({ name, cost }, `consume(${JSON.stringify(name)}, ${JSON.stringify(cost)})`);
  return (req: Request, res: Response, next: NextFunction) => chargeRoute(charger, parsed, req, res, responder, next);
}
