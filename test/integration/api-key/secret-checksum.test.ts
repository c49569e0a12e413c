import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import mongoose from "mongoose";
import { ApiKeyAuthenticator } from "../../../lib/authc/api-key/api-key-authenticator.js";
import { hasValidChecksum } from "../../../lib/authc/api-key/api-key-secret-format.js";
import { randomId } from "../../../lib/support/random-id.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertKeyRefused, createFixtures, createKey } from "./api-key-fixtures.js";

const KEYS = "security_api_keys";
const INFO = { uri: "/", request: {} };

function encode(id: string, secret: string): string {
  return Buffer.from(`${id}:${secret}`).toString("base64");
}

/** Changes one character of the random part: same length, same prefix, checksum now wrong. */
function typo(secret: string, at = 8): string {
  return secret.slice(0, at) + (secret[at] === "A" ? "B" : "A") + secret.slice(at + 1);
}

function report(line: string): void {
  process.stdout.write(`# ${line}\n`);
}

describe("API keys: checksummed, recognisable secrets", () => {
  let base: TestDatabase;
  let monitored: mongoose.Connection;
  let t: TestApp;
  /** Every command the driver sends on the api_keys collection (find, update, aggregate…). */
  const keyCommands: string[] = [];

  before(async () => {
    base = await openTestDatabase("ak_checksum");
    // A second connection to the same database, with the driver's command monitoring on: the
    // honest witness of "no database read" is the wire, not a wrapper.
    monitored = await mongoose.createConnection(base.uri, { monitorCommands: true, serverSelectionTimeoutMS: 5000 }).asPromise();
    monitored.getClient().on("commandStarted", (event) => {
      if (event.command[event.commandName] === KEYS) keyCommands.push(event.commandName);
    });
    t = await startTestApp("ak_checksum", { failureRateLimit: false }, undefined, {
      connection: monitored,
      uri: base.uri,
      drop: () => base.drop(),
    });
    await createFixtures(t);
  });
  after(async () => {
    await t.close();
    await monitored.close();
    await base.drop();
  });

  it("created and granted keys carry the prefix and a valid checksum; encoded stays base64(id:secret)", async () => {
    const created = await createKey(t, "owner", { name: "fmt" });
    const granted = (
      await t.request("POST", "/_security/api_key/grant", {
        auth: as("granter"),
        body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "fmt-grant" } },
      })
    ).body;
    for (const key of [created, granted]) {
      assert.match(key.api_key, /^kg_[0-9A-Za-z]{28}$/);
      assert.ok(hasValidChecksum(key.api_key));
      assert.equal(key.encoded, encode(key.id, key.api_key));
      const res = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.api_key.id, key.id);
    }
  });

  it("a corrupt checksum is refused with 401 before the cache and the database (wire-level count: 0)", async () => {
    const key = await createKey(t, "owner", { name: "typo" });
    const service = t.core.apiKeys;
    let storeReads = 0;
    const get = service.store.get.bind(service.store);
    service.store.get = async (id) => {
      storeReads++;
      return get(id);
    };
    try {
      // Cold cache: without the checksum, each of these would read the document.
      service.cache.clear();
      keyCommands.length = 0;
      const garbage = [typo(key.api_key), typo(key.api_key, 20), typo(key.api_key, key.api_key.length - 1), "kg_" + "x".repeat(28)];
      for (const secret of garbage) {
        for (const id of [key.id, randomId()]) {
          assertKeyRefused(
            await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(id, secret) } }),
            `invalid credentials for API key [${id}]: the secret fails its checksum`,
          );
        }
      }
      assert.equal(keyCommands.length, 0, `no command reached the api_keys collection: ${keyCommands.join(",")}`);
      assert.equal(storeReads, 0);
      assert.equal(service.cache.size, 0, "nothing was cached either");

      // Control: the counters do see the normal path. A truncated secret (another length) and an
      // unprefixed one are not "ours", so they are looked up and fail on the hash.
      for (const secret of [key.api_key.slice(0, -1), "AbCdEfGhIjKlMnOpQrStUv"]) {
        assertKeyRefused(
          await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(key.id, secret) } }),
          `invalid credentials for API key [${key.id}]`,
        );
      }
      assert.ok(keyCommands.includes("find"), `the control reads: ${keyCommands.join(",")}`);
      assert.ok(storeReads >= 1);
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
    } finally {
      service.store.get = get;
    }
  });

  it("keys issued under an earlier prefix, and unprefixed legacy keys, keep authenticating after a prefix change", async () => {
    const old = await createKey(t, "owner", { name: "before-rename" });
    const renamed = await startTestApp(
      "ak_checksum",
      { failureRateLimit: false, apiKeys: { secretPrefix: "acme_live_" } },
      undefined,
      base,
    );
    try {
      const fresh = (await renamed.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "after-rename" } })).body;
      assert.match(fresh.api_key, /^acme_live_[0-9A-Za-z]{28}$/);
      for (const app of [t, renamed]) {
        for (const key of [old, fresh]) {
          const res = await app.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } });
          assert.equal(res.status, 200, `${key.api_key.slice(0, 10)}…: ${JSON.stringify(res.body)}`);
        }
      }
      // On the renamed app, a broken old-prefix secret is not recognised as "ours": it takes the
      // normal path (a read) and fails on its hash, with Elasticsearch's message.
      assertKeyRefused(
        await renamed.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(old.id, typo(old.api_key)) } }),
        `invalid credentials for API key [${old.id}]`,
      );
      assertKeyRefused(
        await renamed.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(fresh.id, typo(fresh.api_key, 15)) } }),
        `invalid credentials for API key [${fresh.id}]: the secret fails its checksum`,
      );
    } finally {
      await renamed.close();
    }
  });

  it("figures: cost of refusing a garbage secret, before (no checksum) and now", async () => {
    const service = t.core.apiKeys;
    const key = await createKey(t, "owner", { name: "bench" });
    const before = new ApiKeyAuthenticator(service.store, service.hasher, service.cache, Date.now);
    const now = service.authenticator;
    const bad = typo(key.api_key);
    /** µs per call: the best of 5 rounds (the machine is shared; the minimum is the honest cost). */
    const time = async (authenticator: ApiKeyAuthenticator, id: string, runs: number): Promise<number> => {
      let best = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 5; round++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < runs / 5; i++) {
          const result = await authenticator.authenticate({ scheme: "apikey", id, secret: bad }, INFO);
          assert.equal(result.status, "continue");
        }
        best = Math.min(best, Number(process.hrtime.bigint() - start) / (runs / 5) / 1000);
      }
      return best;
    };
    const unknown = randomId();
    // Warm up both paths, then measure.
    await time(before, key.id, 500);
    await time(now, key.id, 2000);
    keyCommands.length = 0;
    const nowCached = await time(now, key.id, 20_000);
    const nowUnknown = await time(now, unknown, 20_000);
    assert.equal(keyCommands.length, 0);
    const beforeCached = await time(before, key.id, 20_000);
    const beforeUnknown = await time(before, unknown, 200);
    assert.ok(keyCommands.length >= 200, "before: one read per garbage secret of an unknown id");
    assert.ok(nowUnknown < beforeUnknown, `${nowUnknown} < ${beforeUnknown}`);
    report(
      `garbage-secret refusal per call (authenticator, in-process): known cached id ${beforeCached.toFixed(2)} µs before → ${nowCached.toFixed(2)} µs now; ` +
        `unknown id ${beforeUnknown.toFixed(0)} µs before (1 database read each) → ${nowUnknown.toFixed(2)} µs now (0 reads)`,
    );
  });
});
