import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express, { type Express } from "express";
import type { Security, SecurityOptions } from "../../lib/index.js";
import { createSecurityInternals } from "../../lib/create-security.js";
import type { SecurityCore } from "../../lib/security-core.js";
import { openTestDatabase, type TestDatabase } from "./test-database.js";

export const ADMIN_PASSWORD = "admin-password";

export interface HttpResult {
  status: number;
  headers: Headers;
  body: any;
}

export interface RequestOptions {
  auth?: string | { user: string; password: string } | { apiKey: string };
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  db: TestDatabase;
  security: Security;
  /** What the public `Security` does not show: stores, caches, removers of this instance. */
  core: SecurityCore;
  app: Express;
  baseUrl: string;
  request(method: string, path: string, options?: RequestOptions): Promise<HttpResult>;
  /** Shortcut: request as the bootstrap superuser `elastic`. */
  admin(method: string, path: string, body?: unknown): Promise<HttpResult>;
  close(): Promise<void>;
}

export function basic(user: string, password: string): string {
  return "Basic " + Buffer.from(`${user}:${password}`).toString("base64");
}

/**
 * A real Express app (Express 4 in the Express 4 run of `npm test`, else 5) on an ephemeral
 * loopback port, with express-keyguard installed the way the README says, on its own fresh
 * database.
 */
export async function startTestApp(
  label: string,
  options: Partial<SecurityOptions> = {},
  configure?: (app: Express, security: Security) => void,
  db?: TestDatabase,
): Promise<TestApp> {
  const database = db ?? (await openTestDatabase(label));
  const { security, core } = createSecurityInternals({
    connection: database.connection,
    bootstrapPassword: ADMIN_PASSWORD,
    passwordHashCost: 4,
    ...options,
  });
  await security.start();
  const app = express();
  app.use(security.authenticate());
  app.use(security.router());
  configure?.(app, security);
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const request = async (method: string, path: string, opts: RequestOptions = {}): Promise<HttpResult> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (typeof opts.auth === "string") headers.authorization = opts.auth;
    else if (opts.auth && "apiKey" in opts.auth) headers.authorization = `ApiKey ${opts.auth.apiKey}`;
    else if (opts.auth) headers.authorization = basic(opts.auth.user, opts.auth.password);
    let payload: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      payload = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const res = await fetch(baseUrl + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: keep the text for the assertion message.
    }
    return { status: res.status, headers: res.headers, body };
  };

  return {
    db: database,
    security,
    core,
    app,
    baseUrl,
    request,
    admin: (method, path, body) =>
      request(method, path, { auth: { user: "elastic", password: ADMIN_PASSWORD }, ...(body !== undefined ? { body } : {}) }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await security.close();
      if (!db) await database.drop();
    },
  };
}
