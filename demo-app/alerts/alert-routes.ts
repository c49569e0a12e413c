import { Router, type Request, type Response } from "express";
import { renderSecurityError } from "../../lib/index.js";
import type { AlertService } from "./alert-service.js";

function handle(status: number, work: (req: Request) => Promise<unknown>) {
  return (req: Request, res: Response) => {
    work(req).then(
      (body) => res.status(status).json(body),
      (error: unknown) => renderSecurityError(res, error, false),
    );
  };
}

/**
 * `/alerts`: POST creates, GET lists the caller's alerts, `/:id` GET/PUT/DELETE, `/:id/runs` the
 * run history. Mount after `security.authenticate()`.
 */
export function createAlertRoutes(service: AlertService): Router {
  const router = Router();
  router.post(
    "/",
    handle(201, (req) => service.create(req)),
  );
  router.get(
    "/",
    handle(200, async (req) => ({ alerts: await service.list(req) })),
  );
  router.get(
    "/:id",
    handle(200, (req) => service.get(req, String(req.params.id))),
  );
  router.put(
    "/:id",
    handle(200, (req) => service.update(req, String(req.params.id))),
  );
  router.delete(
    "/:id",
    handle(200, (req) => service.remove(req, String(req.params.id))),
  );
  router.get(
    "/:id/runs",
    handle(200, (req) => service.runs(req, String(req.params.id))),
  );
  return router;
}
