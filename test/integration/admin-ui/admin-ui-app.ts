import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { createSecurity, type AdminUiOptions, type Security } from "../../../lib/index.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { ADMIN_PASSWORD, basic } from "../../support/test-app.js";

export { ADMIN_PASSWORD };

export interface AdminUiApp {
  db: TestDatabase;
  security: Security;
  baseUrl: string;
  /** A JSON request to the app; `auth` is an `Authorization` header value. */
  call(
    method: string,
    path: string,
    options?: { auth?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  /** `call` as the bootstrap superuser `elastic`. */
  admin(method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: any; text: string }>;
  close(): Promise<void>;
}

export interface AdminUiAppOptions {
  ui?: AdminUiOptions;
  /** Mount prefix of both the admin UI and the router (default: the application root). */
  prefix?: string;
}

/**
 * An Express app wired the way the README says for the admin UI: `adminUi()` first (the page is
 * public), then `authenticate()` and `router()`.
 */
export async function startAdminUiApp(label: string, options: AdminUiAppOptions = {}): Promise<AdminUiApp> {
  const db = await openTestDatabase(label);
  const security = createSecurity({ connection: db.connection, bootstrapPassword: ADMIN_PASSWORD, passwordHashCost: 4 });
  await security.start();
  const app = express();
  app.disable("x-powered-by");
  const prefix = options.prefix ?? "/";
  app.use(prefix, security.adminUi(options.ui));
  app.use(prefix, security.authenticate());
  app.use(prefix, security.router());
  app.get("/hello", (_req, res) => res.json({ hello: "world" }));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call: AdminUiApp["call"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.auth) headers.authorization = opts.auth;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers["content-type"] = "application/json";
    }
    const res = await fetch(baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    return { status: res.status, headers: res.headers, body, text };
  };

  return {
    db,
    security,
    baseUrl,
    call,
    admin: (method, path, body) => call(method, path, { auth: basic("elastic", ADMIN_PASSWORD), ...(body !== undefined ? { body } : {}) }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await security.close();
      await db.drop();
    },
  };
}
