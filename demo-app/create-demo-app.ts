import express, { type Express, type NextFunction, type Request, type Response } from "express";
import mongoose, { type Connection } from "mongoose";
import { createSecurity, renderSecurityError, SecurityError, type Security } from "../lib/index.js";
import { createDemoAlerts, type DemoAlerts, type DemoAlertsOptions } from "./alerts/demo-alerts.js";

export interface DemoOptions {
  connection: Connection;
  bootstrapPassword?: string;
  /** Passed through to createSecurity (tests use a low bcrypt cost). */
  passwordHashCost?: number;
  /** The alerts feature (encryption key, scheduler tick); see {@link DemoAlertsOptions}. */
  alerts?: DemoAlertsOptions;
}

export interface DemoApp {
  app: Express;
  security: Security;
  /** Call `alerts.start(baseUrl)` once listening, `alerts.stop()` before `security.close()`. */
  alerts: DemoAlerts;
}

interface Order {
  item: string;
  quantity: number;
  created_by: string;
  created_at: number;
}

/**
 * The demo shop: a real Express app that uses express-keyguard the way a user would.
 * `/_security/*` is the Elasticsearch-compatible API; `/orders` is guarded by the `shop`
 * application privileges `read` and `write`.
 */
export function createDemoApp(options: DemoOptions): DemoApp {
  const security = createSecurity({
    connection: options.connection,
    ...(options.bootstrapPassword ? { bootstrapPassword: options.bootstrapPassword } : {}),
    ...(options.passwordHashCost ? { passwordHashCost: options.passwordHashCost } : {}),
  });
  const orderSchema = new mongoose.Schema<Order>(
    { item: { type: String, required: true }, quantity: { type: Number, required: true }, created_by: String, created_at: Number },
    { collection: "demo_orders", versionKey: false },
  );
  const Orders =
    (options.connection.models.DemoOrder as mongoose.Model<Order> | undefined) ?? options.connection.model<Order>("DemoOrder", orderSchema);

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "100kb" }));
  app.get("/", (_req, res) => {
    res.json({ name: "express-keyguard demo", security_api: "/_security", resources: ["/orders", "/alerts"] });
  });
  // The API-key management page is public (it signs the user in itself): before authenticate().
  app.use(security.adminUi());
  app.use(security.authenticate());
  app.use(security.router());

  app.get(
    "/orders",
    security.requirePrivileges({ application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] }),
    async (req, res, next) => {
      try {
        const orders = await Orders.find({}, { _id: 0 }).sort({ created_at: -1 }).limit(100).lean().exec();
        res.json({ user: security.authenticationOf(req).user.username, orders });
      } catch (error) {
        next(error);
      }
    },
  );

  app.post(
    "/orders",
    security.requirePrivileges({ application: [{ application: "shop", privileges: ["write"], resources: ["orders"] }] }),
    async (req, res, next) => {
      try {
        const body = req.body as { item?: unknown; quantity?: unknown };
        if (
          typeof body?.item !== "string" ||
          body.item.length === 0 ||
          body.item.length > 200 ||
          typeof body.quantity !== "number" ||
          !Number.isInteger(body.quantity) ||
          body.quantity < 1
        ) {
          throw validationError("expected { item: string, quantity: positive integer }");
        }
        const auth = security.authenticationOf(req);
        const order: Order = { item: body.item, quantity: body.quantity, created_by: auth.user.username, created_at: Date.now() };
        await Orders.create(order);
        res.status(201).json({ created: true, order });
      } catch (error) {
        next(error);
      }
    },
  );

  // Alerts run later as the user they are for: see demo-app/alerts/.
  const alerts = createDemoAlerts(security, options.connection, options.alerts);
  app.use("/alerts", alerts.router());
  // No route matched: answered in the same shape as the rest of the API, not as an HTML page.
  app.use((req, _res, next) => {
    next(new SecurityError(404, "resource_not_found_exception", `no handler found for uri [${req.path}] and method [${req.method}]`));
  });
  // Elasticsearch-shaped errors for the security API and the guarded routes (including the JSON
  // parser's above); anything else goes on to the shop's own handler below.
  app.use(security.errorHandler());
  // The shop's own last handler: never Express's HTML page (which shows a stack trace outside
  // production); a failure of its own is the opaque 500, a database outage a 503.
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    renderSecurityError(res, error, false, (failure, request) => {
      console.error(
        `demo: internal error answering ${request.method} ${request.path}: ${failure instanceof Error ? failure.name : typeof failure}`,
      );
    });
  });

  return { app, security, alerts };
}

/** A 400 in Elasticsearch's `action_request_validation_exception` shape, as the security API answers. */
function validationError(message: string): SecurityError {
  return new SecurityError(400, "action_request_validation_exception", `Validation Failed: 1: ${message};`);
}

/** The shop's privilege definitions and roles, installed through the REST API as an admin would. */
export const DEMO_SEED = {
  privileges: {
    shop: {
      read: { actions: ["data:read/*"] },
      write: { actions: ["data:write/*", "data:read/*"] },
    },
  },
  roles: {
    shop_reader: { applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }] },
    shop_writer: { applications: [{ application: "shop", privileges: ["write"], resources: ["*"] }] },
    shop_admin: { cluster: ["manage_own_api_key"], applications: [{ application: "shop", privileges: ["*"], resources: ["*"] }] },
    // A system caller that sets up work for users (as Kibana's own user does): grants their keys
    // and invalidates them again, without any access to the shop itself.
    alerting_system: { cluster: ["grant_api_key", "cluster:admin/xpack/security/api_key/invalidate"] },
  },
} as const;

/** Installs {@link DEMO_SEED} through the demo's own REST API, authenticated as `elastic`. */
export async function seedDemo(baseUrl: string, elasticPassword: string, warn: (message: string) => void = () => undefined): Promise<void> {
  const headers = {
    "content-type": "application/json",
    authorization: "Basic " + Buffer.from(`elastic:${elasticPassword}`).toString("base64"),
  };
  const put = async (path: string, body: unknown) => {
    const res = await fetch(baseUrl + path, { method: "PUT", headers, body: JSON.stringify(body) });
    if (!res.ok) warn(`seeding ${path} failed with ${res.status}: ${await res.text()}`);
  };
  await put("/_security/privilege", DEMO_SEED.privileges);
  for (const [name, role] of Object.entries(DEMO_SEED.roles)) await put(`/_security/role/${name}`, role);
}
