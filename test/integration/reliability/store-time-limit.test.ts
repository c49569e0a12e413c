import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mongoose from "mongoose";
import { isSecurityError } from "../../../lib/support/security-error.js";
import { StoreTimeLimit } from "../../../lib/store/store-time-limit.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

// Every command that makes the server look for documents carries the storeTimeout deadline as
// its maxTimeMS, so a request answered 503 at its deadline never leaves the server working on.
// The wire is the witness: the driver's command monitoring on the app's own connection.

const STORE_TIMEOUT_MS = 7_300;
/** Commands that select documents (count is aggregate or count; distinct is unused, see store-time-limit.ts). */
const SELECTING = new Set(["find", "aggregate", "count", "update", "delete", "findAndModify", "distinct"]);

interface Sent {
  name: string;
  collection: unknown;
  maxTimeMS: unknown;
}

function report(line: string): void {
  process.stdout.write(`# ${line}\n`);
}

describe("store time limit: maxTimeMS on every store query", () => {
  let base: TestDatabase;
  let monitored: mongoose.Connection;
  let t: TestApp;
  const sent: Sent[] = [];

  before(async () => {
    base = await openTestDatabase("store_time_limit");
    monitored = await mongoose.createConnection(base.uri, { monitorCommands: true, serverSelectionTimeoutMS: 5000 }).asPromise();
    monitored.getClient().on("commandStarted", (event) => {
      sent.push({ name: event.commandName, collection: event.command[event.commandName], maxTimeMS: event.command.maxTimeMS });
    });
    t = await startTestApp(
      "store_time_limit",
      {
        storeTimeout: `${STORE_TIMEOUT_MS}ms`,
        eventsPollInterval: "100ms",
        failureRateLimit: { limit: 50, window: "1m" },
        apiKeys: { usageFlushInterval: "100ms" },
      },
      (app, security) => {
        app.get(
          "/guarded",
          security.requirePrivileges({ application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] }),
          (_req, res) => {
            res.json({ ok: true });
          },
        );
      },
      { connection: monitored, uri: base.uri, drop: () => base.drop() },
    );
  });
  after(async () => {
    await t.close();
    await monitored.close();
    await base.drop();
  });

  it("the whole API, background work included, sends no selecting command without the deadline as maxTimeMS", async () => {
    const ok = (res: { status: number; body: unknown }, status = 200) => assert.equal(res.status, status, JSON.stringify(res.body));
    ok(await t.admin("PUT", "/_security/privilege", { shop: { read: { actions: ["data:read/*"] } } }));
    ok(
      await t.admin("PUT", "/_security/role/shopper", {
        cluster: ["manage_own_api_key", "manage_token"],
        applications: [{ application: "shop", privileges: ["read"], resources: ["*"] }],
      }),
    );
    ok(await t.admin("PUT", "/_security/user/shopper", { password: "shopper-pass", roles: ["shopper"] }));
    const shopper = { user: "shopper", password: "shopper-pass" };
    ok(await t.request("GET", "/guarded", { auth: shopper }));
    ok(await t.request("GET", "/guarded", { auth: { user: "shopper", password: "wrong-pass" } }), 401);
    ok(await t.admin("GET", "/_security/user"));
    ok(await t.admin("GET", "/_security/role"));
    ok(await t.admin("GET", "/_security/privilege"));
    ok(await t.admin("PUT", "/_security/user/shopper/_disable"));
    ok(await t.admin("PUT", "/_security/user/shopper/_enable"));

    const key = (await t.request("POST", "/_security/api_key", { auth: shopper, body: { name: "k1", metadata: { team: "a" } } })).body as {
      id: string;
      encoded: string;
    };
    ok(await t.request("GET", "/guarded", { auth: { apiKey: key.encoded } }));
    ok(await t.request("GET", "/_security/api_key?owner=true", { auth: shopper }));
    ok(await t.request("PUT", `/_security/api_key/${key.id}`, { auth: shopper, body: { metadata: { team: "b" } } }));
    await t.security.apiKeys.flushUsage();
    ok(
      await t.request("POST", "/_security/_query/api_key", {
        auth: shopper,
        body: {
          query: { bool: { must: [{ wildcard: { name: "k*" } }, { range: { last_used: { gte: "now-1d" } } }] } },
          sort: [{ last_used: "desc" }, "name"],
          aggs: { names: { terms: { field: "name" } }, teams: { filter: { term: { "metadata.team": "b" } } } },
        },
      }),
    );
    ok(await t.request("POST", `/_security/api_key/${key.id}/_clear_cache`, { auth: { user: "elastic", password: "admin-password" } }));
    ok(await t.request("DELETE", "/_security/api_key", { auth: shopper, body: { ids: [key.id], owner: true } }));

    const token = (
      await t.request("POST", "/_security/oauth2/token", {
        auth: shopper,
        body: { grant_type: "password", username: "shopper", password: "shopper-pass" },
      })
    ).body as { access_token: string; refresh_token: string };
    ok(await t.request("GET", "/guarded", { auth: `Bearer ${token.access_token}` }));
    ok(
      await t.request("POST", "/_security/oauth2/token", {
        auth: shopper,
        body: { grant_type: "refresh_token", refresh_token: token.refresh_token },
      }),
    );
    ok(await t.request("DELETE", "/_security/oauth2/token", { auth: shopper, body: { username: "shopper" } }));

    await t.core.apiKeys.remover.trigger();
    await t.core.tokens.remover.run();
    ok(await t.admin("DELETE", "/_security/role/shopper"));
    await new Promise((resolve) => setTimeout(resolve, 400)); // event polls

    const selecting = sent.filter((command) => SELECTING.has(command.name));
    const byName = new Map<string, number>();
    for (const command of selecting) byName.set(command.name, (byName.get(command.name) ?? 0) + 1);
    report(
      `store time limit: ${selecting.length} selecting commands observed (${[...byName].map(([name, n]) => `${name} ${n}`).join(", ")}) of ${sent.length} in all`,
    );
    for (const name of ["find", "aggregate", "update", "delete"]) assert.ok(byName.has(name), `the scenario sent no ${name}`);
    const missing = selecting.filter((command) => command.maxTimeMS !== STORE_TIMEOUT_MS);
    assert.deepEqual(
      missing.map((command) => `${command.name} ${String(command.collection)} maxTimeMS=${String(command.maxTimeMS)}`),
      [],
      "every selecting command carries the storeTimeout as maxTimeMS",
    );
  });

  it("the server's MaxTimeMSExpired becomes the deadline's 503, through mongoose and through the driver", async () => {
    const collection = base.connection.collection("slow_docs");
    const docs = Array.from({ length: 5000 }, (_, i) => ({ _id: `d${i}`, name: `name-${i}-${"x".repeat(60)}` }));
    for (let i = 0; i < docs.length; i += 1000) await collection.insertMany(docs.slice(i, i + 1000) as never[]);
    const slowFilter = { name: { $regex: "^(a|b|c)*z.*y$" } };

    // Straight from the server: the error the limit produces is code 50 …
    const raw = await monitored
      .getClient()
      .db(base.connection.name)
      .collection("slow_docs")
      .find(slowFilter, { maxTimeMS: 1 })
      .toArray()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    assert.equal((raw as { code?: unknown } | undefined)?.code, 50, `expected MaxTimeMSExpired, got ${String(raw)}`);
    // … and the store's limit turns it into the deadline's 503.
    const translated = new StoreTimeLimit(1).translate(raw);
    assert.ok(isSecurityError(translated));
    assert.equal(translated.status, 503);
    assert.equal(translated.reason, "security index is unavailable: the request did not complete within [1ms]");

    // Through a store model: the schema middleware sets the limit and translates the error.
    const users = t.core.models.users;
    await users.collection.insertMany(docs.map((d) => ({ ...d, password_hash: "x", roles: [] })) as never[]);
    const query = users.find(slowFilter).maxTimeMS(1).lean().exec();
    await assert.rejects(
      query,
      (error: unknown) => isSecurityError(error) && error.status === 503 && /did not complete within/.test(error.reason),
    );
    await users.collection.deleteMany({ _id: { $regex: "^d" } } as never);
  });
});
