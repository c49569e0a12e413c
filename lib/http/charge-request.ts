import type { NextFunction, Request, Response } from "express";
import type { ApiKeyLimits } from "../model/api-key-limits.js";
import type { Authentication } from "../model/authentication.js";
import type { ApiKeyLimitEnforcer, ChargeOutcome } from "../services/api-keys/limits/api-key-limit-enforcer.js";
import type { Responder } from "./responder.js";

/** What the enforcement point needs: the enforcer's request charge. */
export type RequestCharger = Pick<ApiKeyLimitEnforcer, "chargeRequest">;

/**
 * Passes an outcome of the enforcer on: `next()` when accepted, the 429 (or a store's 503) when
 * not, at once when the enforcer answered at once. Nothing runs once the response was sent (the
 * router's deadline may have answered meanwhile).
 */
export function continueAfter(outcome: ChargeOutcome, req: Request, res: Response, responder: Responder, next: NextFunction): void {
  if (outcome === undefined) return next();
  if (!(outcome instanceof Promise)) return responder.sendError(req, res, outcome);
  outcome.then(
    (refused) => {
      if (res.headersSent) return;
      if (refused !== undefined) responder.sendError(req, res, refused);
      else next();
    },
    (error: unknown) => responder.sendError(req, res, error),
  );
}

/**
 * The enforcement point of per-key limits, right after authentication: a request made with a key
 * that has limits pays its charge (see `ApiKeyLimitEnforcer.chargeRequest`) before anything else
 * runs. Callers check `auth.apiKey?.limits` first, so requests with any other credential cost
 * nothing more than that check.
 */
export function chargeRequest(
  charger: RequestCharger,
  auth: Authentication,
  limits: ApiKeyLimits,
  req: Request,
  res: Response,
  responder: Responder,
  next: NextFunction,
): void {
  continueAfter(charger.chargeRequest(auth, limits), req, res, responder, next);
}

/** {@link chargeRequest} for async callers: resolves when accepted, rejects with the refusal. */
export async function chargeRequestOrThrow(charger: RequestCharger, auth: Authentication): Promise<void> {
  const limits = auth.apiKey?.limits;
  if (limits === undefined) return;
  const refused = await charger.chargeRequest(auth, limits);
  if (refused !== undefined) throw refused;
}
