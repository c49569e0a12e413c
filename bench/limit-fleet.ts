// `npm run bench:limits [-- --windows N] [--window-seconds S] [--limit L] [--clients C]`
//
// The fleet figure of per-key rate limits: three app instances in this process on one database,
// one key limited to `limit` requests per window (default 100 per 10 s), load from `clients`
// concurrent clients per instance (default 4) for `windows` windows (default 30), started on a
// window boundary. Prints the requests accepted in each window, as the route saw them right after
// the charge, and the maximum; exits 1 when a window accepted more than the limit.

import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import mongoose from "mongoose";
import { createSecurityInternals } from "../lib/create-security.js";

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(name);
  const value = index < 0 ? fallback : Number(process.argv[index + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number`);
  return value;
}

const windows = option("--windows", 30);
const windowMs = option("--window-seconds", 10) * 1000;
const limit = option("--limit", 100);
const clients = option("--clients", 4);
const log = (message: string) => process.stderr.write(`[bench:limits] ${message}\n`);

async function main(): Promise<void> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error("MONGODB_URI is not set (scripts/bench-limits.mjs provides it)");
  const connection = await mongoose.createConnection(uri, { dbName: `kg_limits_${randomBytes(3).toString("hex")}` }).asPromise();
  const password = randomBytes(12).toString("base64url");
  const accepted: number[] = [];
  const instances = await Promise.all(
    [0, 1, 2].map(async () => {
      const { security, core } = createSecurityInternals({ connection, bootstrapPassword: password, failureRateLimit: false });
      await security.start();
      const app = express();
      app.use(security.authenticate());
      app.use(security.router());
      app.get("/work", (_req, res) => {
        accepted.push(Date.now());
        res.json({ ok: true });
      });
      const server: Server = await new Promise((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      return { security, core, server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }),
  );
  try {
    const first = instances[0] as (typeof instances)[number];
    const elastic = "Basic " + Buffer.from(`elastic:${password}`).toString("base64");
    const res = await fetch(`${first.url}/_security/api_key`, {
      method: "POST",
      headers: { authorization: elastic, "content-type": "application/json" },
      body: JSON.stringify({ name: "fleet-limited" }),
    });
    const key = (await res.json()) as { id: string; encoded: string };
    await first.core.models.apiKeys.collection.updateOne({ _id: key.id } as never, {
      $set: { limits: { rate_limits: [{ name: "default", limit, window_ms: windowMs, auto_apply: true }] } },
      $inc: { version: 1 },
    });
    // As a change of limits does: every instance reads the key's document again.
    await first.core.journal.append({ kind: "api_key.update", keys: [key.id] });
    await new Promise((resolve) => setTimeout(resolve, windowMs - (Date.now() % windowMs)));
    const start = Date.now();
    const end = start + windows * windowMs;
    log(`${instances.length} instances, limit ${limit} per ${windowMs / 1000} s, ${clients} clients each, ${windows} windows`);
    let refused = 0;
    // A 5-minute run says where it is: one line per window, with that window's accepted count.
    const progress = setInterval(() => {
      const done = Math.floor((Date.now() - start) / windowMs);
      const inWindow = accepted.filter((at) => Math.floor((at - start) / windowMs) === done - 1).length;
      log(`  window ${done}/${windows}: ${inWindow} accepted, ${refused} refused so far`);
    }, windowMs);
    try {
      await Promise.all(
        instances.flatMap((instance) =>
          Array.from({ length: clients }, async () => {
            while (Date.now() < end) {
              const answer = await fetch(`${instance.url}/work`, { headers: { authorization: `ApiKey ${key.encoded}` } });
              await answer.arrayBuffer();
              if (answer.status === 429) refused++;
              else if (answer.status !== 200) throw new Error(`unexpected status ${answer.status}`);
            }
          }),
        ),
      );
    } finally {
      clearInterval(progress);
    }
    const counts = new Array<number>(windows).fill(0);
    for (const at of accepted) {
      const index = Math.floor((at - start) / windowMs);
      if (index >= 0 && index < windows) counts[index] = (counts[index] ?? 0) + 1;
    }
    const max = Math.max(...counts);
    process.stdout.write(`accepted per window: ${counts.join(", ")}\n`);
    process.stdout.write(
      `max ${max} per window over ${windows} windows of ${windowMs / 1000} s (limit ${limit}, min ${Math.min(...counts)}, ${refused} refused)\n`,
    );
    if (max > limit) process.exitCode = 1;
    if (process.env.DEBUG_LIMITS) {
      const docs = await first.core.models.apiKeyRateWindows.find({}).sort({ window: 1, seq: 1 }).lean().exec();
      for (const doc of docs) process.stderr.write(JSON.stringify(doc) + "\n");
    }
  } finally {
    for (const instance of instances) {
      instance.server.closeAllConnections();
      await new Promise<void>((resolve) => instance.server.close(() => resolve()));
      await instance.security.close();
    }
    await connection.dropDatabase();
    await connection.close();
  }
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
