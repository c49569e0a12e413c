import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createDemoApp, seedDemo, type DemoApp, type DemoOptions } from "../../demo-app/create-demo-app.js";
import { openTestDatabase, type TestDatabase } from "./test-database.js";

/** The demo app listening on a free loopback port, on its own seeded test database. */
export interface DemoServer {
  demo: DemoApp;
  base: string;
  db: TestDatabase;
  close(): Promise<void>;
}

/**
 * Starts the demo app on database `label`, with `elastic`'s password `password` and the demo's
 * roles seeded through its own HTTP API (as `npm run demo` does). `close` stops everything and
 * drops the database.
 */
export async function startDemoServer(
  label: string,
  password: string,
  options: Omit<DemoOptions, "connection" | "bootstrapPassword"> = {},
): Promise<DemoServer> {
  const db = await openTestDatabase(label);
  const demo = createDemoApp({ passwordHashCost: 4, ...options, connection: db.connection, bootstrapPassword: password });
  await demo.security.start();
  const server = await new Promise<Server>((resolve) => {
    const s = demo.app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await seedDemo(base, password, (m) => assert.fail(m));
  return {
    demo,
    base,
    db,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await demo.security.close();
      await db.drop();
    },
  };
}
