// The server side of `npm run bench`, in its own process so the load generator (the parent) never
// shares an event loop with it. Every app listens on its own loopback port; the parent drives
// them over HTTP and asks for database-side work (seeding, the remover) over IPC.

import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";
import express, { type Express, type RequestHandler } from "express";
import mongoose, { type Connection } from "mongoose";
import { createSecurity, type Security } from "../lib/index.js";
import { createSecurityInternals } from "../lib/create-security.js";
import type { SecurityCore } from "../lib/security-core.js";
import type { ApiKeyDoc } from "../lib/store/store-documents.js";
import type { ChildMessage, Command, FloorReport, ParentMessage, ScaleSeeded, ServerTargets } from "./bench-protocol.js";
import { naiveBcrypt, naiveFindOne, naiveModels, seedNaive } from "./naive-auth.js";
import { ownerName, seedApiKeys } from "./seed-api-keys.js";

const ADMIN_PASSWORD = randomBytes(12).toString("base64url");
const USER_PASSWORD = randomBytes(12).toString("base64url");
const SCALE_OWNERS = 1000;

function send(message: ChildMessage): void {
  process.send?.(message);
}

function progress(message: string): void {
  send({ type: "progress", message });
}

function basic(username: string, password: string): string {
  return "Basic " + Buffer.from(`${username}:${password}`).toString("base64");
}

const hello: RequestHandler = (_req, res) => {
  res.json({ hello: "world" });
};

const servers: import("node:http").Server[] = [];

async function listen(app: Express): Promise<string> {
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  server.keepAliveTimeout = 30_000;
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function call(baseUrl: string, method: string, path: string, authorization: string, body?: unknown): Promise<unknown> {
  const res = await fetch(baseUrl + path, {
    method,
    headers: { authorization, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}

interface Scale {
  connection: Connection;
  security: Security;
  /** The internals behind `security`: its models, store, remover. */
  core: SecurityCore;
  seeded?: ScaleSeeded;
  removal?: { started: number; promise: Promise<number>; finishedAt?: number };
}

const connections: Connection[] = [];
const LOOP_RESOLUTION_MS = 1;
const loopDelay = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
/** The histogram records whole intervals; the delay is what exceeds the sampling interval. */
const lateMs = (ns: number) => Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS);
const securities: Security[] = [];
let scale: Scale | undefined;
let mainConnection: Connection;
let databaseName = "";

async function openDatabase(name: string): Promise<Connection> {
  const uri = process.env.MONGODB_URI;
  if (!uri) throw new Error("MONGODB_URI is not set (scripts/bench.mjs provides it)");
  const connection = await mongoose.createConnection(uri, { dbName: name, serverSelectionTimeoutMS: 5000, maxPoolSize: 20 }).asPromise();
  connections.push(connection);
  return connection;
}

async function start(): Promise<{ targets: ServerTargets; template: ApiKeyDoc }> {
  databaseName = `kg_bench_${randomBytes(3).toString("hex")}`;
  mainConnection = await openDatabase(databaseName);
  // The rate limiter stays on (failures are counted in MongoDB, as in production) but with a
  // limit no scenario reaches: scenario 8 must hash every bad password, not answer 429.
  const failureRateLimit = { limit: 1_000_000, window: "1m" };
  const { security: main, core: mainCore } = createSecurityInternals({
    connection: mainConnection,
    bootstrapPassword: ADMIN_PASSWORD,
    failureRateLimit,
  });
  // Same collections, no API-key caches: every ApiKey request reads its document and verifies
  // the stored hash. Keys it creates are PBKDF2-hashed (the slow format of scenario 8); it must
  // not upgrade the bench key's fast hash to that format on use, or scenarios 2 and 5 would
  // measure PBKDF2 instead of one indexed read.
  const nocache = createSecurity({
    connection: mainConnection,
    failureRateLimit,
    apiKeys: { cacheTtl: 0, hashAlgorithm: "pbkdf2", upgradeHashes: false },
  });
  securities.push(main, nocache);
  await main.start();
  await nocache.start();

  const admin = express();
  admin.use(main.authenticate());
  admin.use(main.router());
  const adminUrl = await listen(admin);
  const elastic = basic("elastic", ADMIN_PASSWORD);

  progress("setup: privileges, role, user, API keys");
  await call(adminUrl, "PUT", "/_security/privilege", elastic, { bench: { read: { actions: ["data:read/*"] } } });
  await call(adminUrl, "PUT", "/_security/role/bench_reader", elastic, {
    cluster: ["manage_own_api_key"],
    applications: [{ application: "bench", privileges: ["read"], resources: ["*"] }],
  });
  await call(adminUrl, "PUT", "/_security/user/bench_user", elastic, {
    password: USER_PASSWORD,
    roles: ["bench_reader"],
    full_name: "Bench User",
  });
  const userBasic = basic("bench_user", USER_PASSWORD);
  const key = (await call(adminUrl, "POST", "/_security/api_key", userBasic, { name: "bench-key" })) as { id: string; encoded: string };
  // Scenario `apikey-limited`: a key whose every request is charged against an auto-applied rate
  // limit and a credit balance, both far above what the run spends (limits set in its document).
  const limitedKey = (await call(adminUrl, "POST", "/_security/api_key", userBasic, { name: "bench-limited-key" })) as {
    id: string;
    encoded: string;
  };
  await mainCore.models.apiKeys.collection.updateOne({ _id: limitedKey.id } as never, {
    $set: {
      limits: {
        rate_limits: [{ name: "default", limit: 1_000_000_000, window_ms: 10_000, auto_apply: true }],
        credits: { remaining: 1_000_000_000_000, leased: 0 },
      },
    },
    $inc: { version: 1 },
  });
  await mainCore.journal.append({ kind: "api_key.update", keys: [limitedKey.id] });
  const owner = await mainCore.authentication.authenticate({ authorization: userBasic }, { uri: "/", request: {} });
  if (!owner) throw new Error("bench_user did not authenticate");
  const slowKey = await nocache.apiKeys.create(owner.authentication, { name: "bench-pbkdf2-key" });

  // Scenario 4 runs when this build has the token service (`security.tokens`).
  let bearer: string | undefined;
  let bearerMissing: string | undefined;
  if ("tokens" in main && (main as unknown as Record<string, unknown>).tokens !== undefined) {
    try {
      const token = (await call(adminUrl, "POST", "/_security/oauth2/token", elastic, {
        grant_type: "password",
        username: "bench_user",
        password: USER_PASSWORD,
      })) as { access_token?: string };
      if (typeof token.access_token !== "string") throw new Error("no access_token in the response");
      bearer = `Bearer ${token.access_token}`;
    } catch (error) {
      bearerMissing = `token service present but no token: ${error instanceof Error ? error.message : String(error)}`;
    }
  } else {
    bearerMissing = "token service not present";
  }

  // What the README tells users to mount: their JSON parser, authenticate(), router(), their
  // routes, errorHandler(); against a bare app with the same parser.
  const baseline = express();
  baseline.use(express.json());
  baseline.get("/hello", hello);

  const secured = express();
  secured.use(express.json());
  // Scenario 8's probe: answered by the same event loop that runs the hashing requests.
  secured.get("/ping", hello);
  secured.use(main.authenticate());
  secured.use(main.router());
  secured.get("/hello", hello);
  secured.get(
    "/guarded",
    main.requirePrivileges({ application: [{ application: "bench", privileges: ["read"], resources: ["orders"] }] }),
    hello,
  );
  secured.use(main.errorHandler());

  // The smallest mount (authenticate() and the routes, no parser, no router), against a bare app.
  const baselineMinimal = express();
  baselineMinimal.get("/hello", hello);
  const minimal = express();
  minimal.use(main.authenticate());
  minimal.get("/hello", hello);

  // Not a scenario of the table: the cheapest middleware that attaches a subject to the request
  // (what any authentication middleware must at least do), to tell the library's own cost apart.
  const floor = express();
  floor.use(express.json());
  floor.get("/ping", hello);
  const floorSubjects = {
    authentication: (await mainCore.authentication.authenticate({ authorization: userBasic }, { uri: "/", request: {} }))!.authentication,
  };
  floor.use((req, _res, next) => {
    req.security = { ...floorSubjects };
    next();
  });
  floor.get("/hello", hello);

  const uncached = express();
  uncached.use(nocache.authenticate());
  uncached.get("/hello", hello);

  const models = naiveModels(mainConnection);
  const naiveCredentials = await seedNaive(
    models,
    USER_PASSWORD,
    randomBytes(15).toString("base64url"),
    randomBytes(16).toString("base64url"),
  );
  const naive = express();
  naive.get("/bcrypt", naiveBcrypt(models), hello);
  naive.get("/findone", naiveFindOne(models), hello);

  const [baselineUrl, securedUrl, uncachedUrl, naiveUrl, floorUrl, baselineMinimalUrl, minimalUrl] = await Promise.all([
    listen(baseline),
    listen(secured),
    listen(uncached),
    listen(naive),
    listen(floor),
    listen(baselineMinimal),
    listen(minimal),
  ]);
  const apiKey = `ApiKey ${key.encoded}`;
  const targets: ServerTargets = {
    baseline: { url: `${baselineUrl}/hello`, headers: {} },
    apikey: { url: `${securedUrl}/hello`, headers: { authorization: apiKey } },
    basic: { url: `${securedUrl}/hello`, headers: { authorization: userBasic } },
    "apikey-nocache": { url: `${uncachedUrl}/hello`, headers: { authorization: apiKey } },
    "baseline-minimal": { url: `${baselineMinimalUrl}/hello`, headers: {} },
    "apikey-minimal": { url: `${minimalUrl}/hello`, headers: { authorization: apiKey } },
    "apikey-limited": { url: `${securedUrl}/hello`, headers: { authorization: `ApiKey ${limitedKey.encoded}` } },
    guarded: { url: `${securedUrl}/guarded`, headers: { authorization: apiKey } },
    "naive-bcrypt": { url: `${naiveUrl}/bcrypt`, headers: { authorization: naiveCredentials.basic } },
    "naive-findone": { url: `${naiveUrl}/findone`, headers: { authorization: naiveCredentials.apiKey } },
    ping: { url: `${securedUrl}/ping`, headers: {} },
    floor: { url: `${floorUrl}/hello`, headers: { authorization: userBasic } },
    badPassword: { url: `${securedUrl}/hello`, headers: { authorization: basic("bench_user", "not-the-password") } },
    keyCacheMiss: { url: `${uncachedUrl}/hello`, headers: { authorization: `ApiKey ${slowKey.encoded}` } },
  };
  if (bearer) targets.bearer = { url: `${securedUrl}/hello`, headers: { authorization: bearer } };
  if (bearerMissing) targets.bearerMissing = bearerMissing;
  const template = await mainCore.models.apiKeys.findById(key.id).lean<ApiKeyDoc>().exec();
  if (!template) throw new Error("the bench key was not stored");
  return { targets, template };
}

let template: ApiKeyDoc;

async function seedScale(command: Extract<Command, { op: "seed-scale" }>): Promise<ScaleSeeded> {
  const connection = await openDatabase(`${databaseName}_scale`);
  const { security, core } = createSecurityInternals({ connection, bootstrapPassword: ADMIN_PASSWORD, failureRateLimit: false });
  securities.push(security);
  await security.start();
  scale = { connection, security, core };
  const seeded = await seedApiKeys(core.models.apiKeys, {
    total: command.keys,
    expired: command.expired,
    owners: SCALE_OWNERS,
    keep: command.coldKeys,
    template,
    now: Date.now(),
    progress,
  });
  const app = express();
  app.use(security.authenticate());
  app.get("/hello", hello);
  app.use(security.router());
  const url = await listen(app);
  scale.seeded = {
    keys: command.keys,
    expired: command.expired,
    seconds: seeded.seconds,
    coldKeys: seeded.encoded,
    authUrl: `${url}/hello`,
    queryUrl: `${url}/_security/_query/api_key`,
    adminAuthorization: basic("elastic", ADMIN_PASSWORD),
    queryUsername: ownerName(7),
  };
  return scale.seeded;
}

function requireScale(): Scale {
  if (!scale) throw new Error("seed-scale first");
  return scale;
}

async function handle(command: Command): Promise<unknown> {
  switch (command.op) {
    case "seed-scale":
      return seedScale(command);
    case "gc": {
      (globalThis as { gc?: () => void }).gc?.();
      return null;
    }
    case "cpu": {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    }
    case "db-floor": {
      // Where a cold authentication's time goes: the database's own read (driver, no library
      // code), the API-key store's read (mongoose), and the whole authentication in-process
      // (no HTTP), each on keys nothing has read yet.
      const { core, seeded } = requireScale();
      const ids = (seeded?.coldKeys ?? []).map((encoded) => Buffer.from(encoded, "base64").toString("utf8").split(":")[0] as string);
      const unused = (seeded?.coldKeys ?? []).slice(-3 * command.samples);
      const timed = async (work: () => Promise<unknown>) => {
        const t = process.hrtime.bigint();
        await work();
        return Number(process.hrtime.bigint() - t) / 1e6;
      };
      const report: FloorReport = { findByIdMs: [], storeGetMs: [], authenticateMs: [], queryMs: null, queryBoundMs: command.queryBoundMs };
      const deadline = Date.now() + 15_000;
      for (let i = 0; i < command.samples && Date.now() < deadline; i++) {
        const driverId = ids[ids.length - 1 - i] as string;
        const storeId = ids[ids.length - 1 - command.samples - i] as string;
        const encoded = unused[i] as string;
        report.findByIdMs.push(await timed(() => core.models.apiKeys.collection.findOne({ _id: driverId } as never)));
        report.storeGetMs.push(await timed(() => core.apiKeys.store.get(storeId)));
        report.authenticateMs.push(
          await timed(() => core.authentication.authenticate({ authorization: `ApiKey ${encoded}` }, { uri: "/", request: {} })),
        );
      }
      // The scale query's page without the library: what the database alone needs for it.
      // Bounded on the server too (maxTimeMS), so an unanswered query does not keep loading it.
      const collection = core.models.apiKeys.collection;
      const page = collection
        .find({ "creator.principal": command.queryUsername } as never, {
          sort: { creation_time: -1, _id: 1 },
          limit: 100,
          projection: { hash: 0 },
          maxTimeMS: command.queryBoundMs,
        })
        .toArray();
      const bound = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), command.queryBoundMs + 500).unref());
      const started = process.hrtime.bigint();
      const outcome = await Promise.race([
        page.then(
          () => "done" as const,
          () => "timeout" as const,
        ),
        bound,
      ]);
      if (outcome === "done") report.queryMs = Number(process.hrtime.bigint() - started) / 1e6;
      return report;
    }
    case "remover-start": {
      const s = requireScale();
      const remover = s.core.apiKeys.remover;
      const started = Date.now();
      // Whether the remover's own work ever holds this event loop (as opposed to the database
      // server taking CPU from everyone): the loop's delays while it runs.
      loopDelay.reset();
      loopDelay.enable();
      const promise = remover.trigger();
      s.removal = { started, promise };
      void promise.then(() => {
        if (s.removal) s.removal.finishedAt = Date.now();
      });
      return null;
    }
    case "remover-status": {
      const s = requireScale();
      const removal = s.removal;
      if (!removal) throw new Error("remover-start first");
      const remover = s.core.apiKeys.remover;
      return {
        deleted: remover.removedTotal,
        seconds: ((removal.finishedAt ?? Date.now()) - removal.started) / 1000,
        finished: removal.finishedAt !== undefined,
        error:
          remover.lastError === undefined
            ? undefined
            : remover.lastError instanceof Error
              ? remover.lastError.message
              : JSON.stringify(remover.lastError),
        loopDelayP99Ms: loopDelay.count > 0 ? lateMs(loopDelay.percentile(99)) : null,
        loopDelayMaxMs: loopDelay.count > 0 ? lateMs(loopDelay.max) : null,
      };
    }
    case "remover-stop": {
      // Bounded: on a slow database the batch in flight may take long; it then finishes (or is
      // cut off by the shutdown) in the background.
      const s = requireScale();
      const stopped = s.core.apiKeys.remover.stop().then(() => true);
      return Promise.race([stopped, new Promise<boolean>((resolve) => setTimeout(() => resolve(false), command.waitMs).unref())]);
    }
    case "shutdown":
      await shutdown();
      return null;
  }
}

let stopping: Promise<void> | undefined;

function shutdown(): Promise<void> {
  stopping ??= closeEverything();
  return stopping;
}

async function closeEverything(): Promise<void> {
  for (const server of servers) server.closeAllConnections();
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  // A remover batch still running on a slow database must not hold the shutdown for minutes.
  await Promise.race([Promise.all(securities.map((s) => s.close())), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  for (const connection of connections) {
    await connection.dropDatabase().catch(() => undefined);
    await connection.close();
  }
}

process.on("message", (message: ParentMessage) => {
  const { id } = message;
  handle(message).then(
    (value) => send({ type: "reply", id, ok: true, value }),
    (error: unknown) =>
      send({ type: "reply", id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on("disconnect", () => {
  // The driver went away (Ctrl-C, crash): clean up what we can and leave.
  void shutdown().finally(() => process.exit(process.exitCode ?? 0));
});

try {
  const started = await start();
  template = started.template;
  send({ type: "ready", targets: started.targets, database: databaseName, templateJson: JSON.stringify(template) });
} catch (error) {
  progress(`server setup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await shutdown().catch(() => undefined);
  process.exit(1);
}
