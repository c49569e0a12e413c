import express, { type Express } from "express";
import mongoose, { type Connection } from "mongoose";
import { createSecurity, type Security } from "../lib/index.js";

export interface DemoOptions {
  connection: Connection;
  bootstrapPassword?: string;
  /** Passed through to createSecurity (tests use a low bcrypt cost). */
  passwordHashCost?: number;
}

export interface DemoApp {
  app: Express;
  security: Security;
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
  const Orders = (options.connection.models.DemoOrder as mongoose.Model<Order> | undefined) ?? options.connection.model<Order>("DemoOrder", orderSchema);

  const app = express();
  app.disable("x-powered-by");
  app.use(express.json({ limit: "100kb" }));
  app.get("/", (_req, res) => {
    res.json({ name: "express-keyguard demo", security_api: "/_security", resources: ["/orders"] });
  });
  app.use(security.authenticate());
  app.use(security.router());

  app.get(
    "/orders",
    security.requirePrivileges({ application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] }),
    async (_req, res, next) => {
      try {
        const orders = await Orders.find({}, { _id: 0 }).sort({ created_at: -1 }).limit(100).lean().exec();
        res.json({ orders });
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
        if (typeof body?.item !== "string" || body.item.length === 0 || body.item.length > 200 || typeof body.quantity !== "number" || !Number.isInteger(body.quantity) || body.quantity < 1) {
          res.status(400).json({ error: "expected { item: string, quantity: positive integer }" });
          return;
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

  return { app, security };
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
  },
} as const;

/** Installs {@link DEMO_SEED} through the demo's own REST API, authenticated as `elastic`. */
export async function seedDemo(baseUrl: string, elasticPassword: string, warn: (message: string) => void = () => undefined): Promise<void> {
  const headers = { "content-type": "application/json", authorization: "Basic " + Buffer.from(`elastic:${elasticPassword}`).toString("base64") };
  const put = async (path: string, body: unknown) => {
    const res = await fetch(baseUrl + path, { method: "PUT", headers, body: JSON.stringify(body) });
    if (!res.ok) warn(`seeding ${path} failed with ${res.status}: ${await res.text()}`);
  };
  await put("/_security/privilege", DEMO_SEED.privileges);
  for (const [name, role] of Object.entries(DEMO_SEED.roles)) await put(`/_security/role/${name}`, role);
}
