// `npm run demo`: starts the demo shop on MONGODB_URI (scripts/demo.mjs provides an embedded
// server when it is unset), listening on PORT (default 9200, Elasticsearch's port).
import { randomBytes } from "node:crypto";
import mongoose from "mongoose";
import { createDemoApp, seedDemo } from "./create-demo-app.js";
import { demoTour, seedDemoData } from "./seed-demo-data.js";

const uri = process.env.MONGODB_URI ?? "mongodb://127.0.0.1:27017/keyguard_demo";
const port = Number(process.env.PORT ?? 9200);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a TCP port number (got ${process.env.PORT})`);
  process.exit(2);
}

console.log(`demo: connecting to MongoDB at ${uri.replace(/\/\/[^@/]*@/, "//***@")}`);
const connection = await mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();

const existing = await connection.collection("security_users").findOne({ _id: "elastic" as never });
let password = process.env.KEYGUARD_BOOTSTRAP_PASSWORD;
let generated = false;
if (!password && !existing) {
  password = randomBytes(12).toString("base64url");
  generated = true;
}

if (password && existing) {
  // The env var is the source of truth for the demo: start() recreates "elastic" with it.
  await connection.collection("security_users").deleteOne({ _id: "elastic" as never });
}
// KEYGUARD_DEMO_ENCRYPTION_KEY seals the alerts' API keys at rest; without it a key is generated
// once and kept in demo_settings. It is never printed.
const { app, security, alerts } = createDemoApp({
  connection,
  ...(password ? { bootstrapPassword: password } : {}),
  alerts: { ...(process.env.KEYGUARD_DEMO_ENCRYPTION_KEY ? { encryptionKey: process.env.KEYGUARD_DEMO_ENCRYPTION_KEY } : {}) },
});
await security.start();

const server = app.listen(port, "127.0.0.1", () => {
  void (async () => {
    const address = server.address();
    const actualPort = typeof address === "object" && address ? address.port : port;
    const base = `http://127.0.0.1:${actualPort}`;
    if (password) await seedDemo(base, password, (msg) => console.error(`demo: ${msg}`));
    if (password) await seedDemoData(base, password, (msg) => console.error(`demo: ${msg}`));
    alerts.start(base);
    console.log(`demo: listening on ${base}`);
    if (generated) {
      console.log(`demo: generated the password of the superuser "elastic" (shown once): ${password}`);
    } else if (!password) {
      console.log(
        'demo: the superuser "elastic" already exists; its password was printed on first run (set KEYGUARD_BOOTSTRAP_PASSWORD to choose one)',
      );
    }
    console.log(`demo: try  curl -u elastic:<password> ${base}/_security/_authenticate`);
    console.log(demoTour(base));
  })().catch((error: unknown) => {
    console.error("demo: could not start:", error);
    process.exit(1);
  });
});

const shutdown = async () => {
  server.close();
  await alerts.stop();
  await security.close();
  await connection.close();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
