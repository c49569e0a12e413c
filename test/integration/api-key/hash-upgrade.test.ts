import assert from "node:assert/strict";
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import bcrypt from "bcryptjs";
import type { ApiKeyHashUpgradeEvent, AuditEvent } from "../../../lib/index.js";
import { hashPbkdf2, hashSsha256, verifySsha256 } from "../../../lib/authc/api-key/api-key-hash.js";
import type { ApiKeyDoc } from "../../../lib/store/store-documents.js";
import { randomId, randomSecret } from "../../../lib/support/random-id.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { assertKeyRefused, eventually } from "./api-key-fixtures.js";

const KEYS = "security_api_keys";

function report(line: string): void {
  process.stdout.write(`# ${line}\n`);
}

/** `{PBKDF2_STRETCH}`: PBKDF2 of the hex SHA-512 of the secret (Elasticsearch's stretched hasher). */
function hashPbkdf2Stretch(secret: string): string {
  const salt = randomBytes(32);
  const input = createHash("sha512").update(secret, "utf8").digest("hex");
  return `{PBKDF2_STRETCH}1000$${salt.toString("base64")}$${pbkdf2Sync(input, salt, 1000, 32, "sha512").toString("base64")}`;
}

/**
 * Stores a key the way an import of a pre-existing key would: an Elasticsearch-format secret
 * (22 characters, no prefix, no checksum) and a hash in another format than the configured one.
 */
async function insertLegacyKey(
  t: TestApp,
  hash: (secret: string) => string | Promise<string>,
): Promise<{ id: string; secret: string; encoded: string }> {
  const id = randomId();
  const secret = randomSecret();
  const doc: ApiKeyDoc = {
    _id: id,
    doc_type: "api_key",
    type: "rest",
    name: "legacy",
    creation_time: Date.now(),
    expiration_time: null,
    invalidated: false,
    invalidation_time: null,
    hash: await hash(secret),
    role_descriptors: "{}",
    limited_by_role_descriptors: "{}",
    metadata: "{}",
    metadata_flattened: {},
    metadata_values: [],
    creator: { principal: "elastic", full_name: null, email: null, metadata: "{}", realm: "native", realm_type: "native" },
    version: 1,
  };
  await t.core.apiKeys.store.insert(doc);
  return { id, secret, encoded: Buffer.from(`${id}:${secret}`).toString("base64") };
}

describe("API keys: hash upgrade on use", () => {
  let t: TestApp;
  const events: AuditEvent[] = [];
  const upgrades = (id?: string): ApiKeyHashUpgradeEvent[] =>
    events.filter((e): e is ApiKeyHashUpgradeEvent => e.type === "api_key_hash_upgrade" && (id === undefined || e.api_key_id === id));

  before(async () => {
    t = await startTestApp("ak_upgrade", { failureRateLimit: false, audit: (event) => void events.push(event) });
  });
  after(() => t.close());

  const stored = async (id: string) => (await t.db.connection.collection(KEYS).findOne({ _id: id } as never)) as unknown as ApiKeyDoc;
  const authenticate = (encoded: string) => t.request("GET", "/_security/_authenticate", { auth: { apiKey: encoded } });

  it("a legacy {PBKDF2} key authenticates, is rewritten to {SSHA256} once, and then stays a cache hit", async () => {
    const key = await insertLegacyKey(t, (secret) => hashPbkdf2(secret));
    const res = await authenticate(key.encoded);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.api_key.id, key.id);
    const waited = await eventually(async () => (await stored(key.id)).hash.startsWith("{SSHA256}"), 5000, 10);
    // The write is visible before the upgrade has dropped its claim and audited.
    await t.core.apiKeys.hashUpgrader.idle();
    const doc = await stored(key.id);
    assert.ok(verifySsha256(key.secret, doc.hash), "the new hash is of the same secret");
    assert.equal(doc.version, 2, "the upgrade is a write: it bumps version");
    assert.equal(doc.invalidated, false);
    assert.deepEqual(
      upgrades(key.id).map((e) => [e.from, e.to, e.outcome]),
      [["pbkdf2", "ssha256", "upgraded"]],
    );

    // The cache holds the new hash with the verified secret: no more hash verification at all.
    const service = t.core.apiKeys;
    const verify = service.hasher.verify.bind(service.hasher);
    let verifies = 0;
    service.hasher.verify = async (secret, hash) => {
      verifies++;
      return verify(secret, hash);
    };
    try {
      for (let i = 0; i < 20; i++) assert.equal((await authenticate(key.encoded)).status, 200);
      assert.equal(verifies, 0, "cache hits after the upgrade");
      // A cold cache verifies once, now against the fast hash, and starts no second upgrade.
      service.cache.clear();
      assert.equal((await authenticate(key.encoded)).status, 200);
      assert.equal(verifies, 1);
      await service.hashUpgrader.idle();
      assert.equal(upgrades(key.id).length, 1);
      assertKeyRefused(
        await authenticate(Buffer.from(`${key.id}:${randomSecret()}`).toString("base64")),
        `invalid credentials for API key [${key.id}]`,
      );
    } finally {
      service.hasher.verify = verify;
    }
    report(`hash upgrade: {PBKDF2} → {SSHA256} visible in the database ${waited} ms after the first request`);
  });

  it("{PBKDF2_STRETCH} and bcrypt hashes are upgraded too; a wrong secret never triggers an upgrade", async () => {
    const stretch = await insertLegacyKey(t, hashPbkdf2Stretch);
    const crypt = await insertLegacyKey(t, (secret) => bcrypt.hash(secret, 4));
    assert.match((await stored(crypt.id)).hash, /^\$2[aby]\$04\$/);
    const wrong = Buffer.from(`${stretch.id}:${randomSecret()}`).toString("base64");
    assertKeyRefused(await authenticate(wrong), `invalid credentials for API key [${stretch.id}]`);
    await t.core.apiKeys.hashUpgrader.idle();
    assert.ok((await stored(stretch.id)).hash.startsWith("{PBKDF2_STRETCH}"), "not upgraded by a failed attempt");
    for (const key of [stretch, crypt]) {
      assert.equal((await authenticate(key.encoded)).status, 200);
      await eventually(async () => (await stored(key.id)).hash.startsWith("{SSHA256}"), 5000, 10);
      await t.core.apiKeys.hashUpgrader.idle();
      assert.equal((await authenticate(key.encoded)).status, 200);
    }
    assert.deepEqual(
      upgrades(crypt.id).map((e) => e.from),
      ["bcrypt"],
    );
  });

  it("a configured pbkdf2 upgrades {SSHA256} keys to {PBKDF2}10000; upgradeHashes: false leaves them", async () => {
    const pbkdf2 = await startTestApp("ak_upgrade", { failureRateLimit: false, apiKeys: { hashAlgorithm: "pbkdf2" } }, undefined, t.db);
    const off = await startTestApp(
      "ak_upgrade",
      { failureRateLimit: false, apiKeys: { hashAlgorithm: "pbkdf2", upgradeHashes: false } },
      undefined,
      t.db,
    );
    try {
      const key = await insertLegacyKey(t, (secret) => hashSsha256(secret));
      assert.equal((await off.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
      await off.core.apiKeys.hashUpgrader.idle();
      assert.ok((await stored(key.id)).hash.startsWith("{SSHA256}"), "upgradeHashes: false");
      assert.equal((await pbkdf2.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
      await pbkdf2.core.apiKeys.hashUpgrader.idle();
      assert.match((await stored(key.id)).hash, /^\{PBKDF2\}10000\$/);
      assert.equal((await pbkdf2.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
    } finally {
      await pbkdf2.close();
      await off.close();
    }
  });

  it("a failing upgrade never fails the request and is audited without secrets", async () => {
    const key = await insertLegacyKey(t, (secret) => hashPbkdf2(secret));
    const store = t.core.apiKeys.store;
    const replaceHash = store.replaceHash.bind(store);
    // Fault injection: the write fails as a driver error would (the database itself is real).
    store.replaceHash = async () => {
      throw Object.assign(new Error("connection reset"), { name: "MongoNetworkError" });
    };
    try {
      assert.equal((await authenticate(key.encoded)).status, 200);
      await t.core.apiKeys.hashUpgrader.idle();
    } finally {
      store.replaceHash = replaceHash;
    }
    const [event] = upgrades(key.id);
    assert.equal(event?.outcome, "failed");
    assert.equal(event?.reason, "MongoNetworkError");
    assert.ok(!JSON.stringify(events).includes(key.secret));
    assert.ok((await stored(key.id)).hash.startsWith("{PBKDF2}"));
    // The next slow-path authentication (cold cache here) tries again.
    t.core.apiKeys.cache.clear();
    assert.equal((await authenticate(key.encoded)).status, 200);
    await t.core.apiKeys.hashUpgrader.idle();
    assert.ok((await stored(key.id)).hash.startsWith("{SSHA256}"));
  });

  it("an invalidation racing the upgrade is never lost (40 keys, staggered)", async () => {
    const ROUNDS = 40;
    const keys = await Promise.all(Array.from({ length: ROUNDS }, () => insertLegacyKey(t, (secret) => hashPbkdf2(secret))));
    const outcomes = { upgradedThenInvalidated: 0, invalidatedFirst: 0, authRefused: 0 };
    for (const [i, key] of keys.entries()) {
      const [auth, invalidation] = await Promise.all([
        authenticate(key.encoded),
        (async () => {
          // Staggered over the request's PBKDF2 check and the upgrade's read, hash, claim and write.
          await new Promise((resolve) => setTimeout(resolve, i % 14));
          return t.admin("DELETE", "/_security/api_key", { ids: [key.id] });
        })(),
      ]);
      assert.equal(invalidation.status, 200, JSON.stringify(invalidation.body));
      assert.deepEqual(invalidation.body.invalidated_api_keys, [key.id]);
      if (auth.status !== 200) outcomes.authRefused++;
    }
    await t.core.apiKeys.hashUpgrader.idle();
    for (const key of keys) {
      const doc = await stored(key.id);
      assert.equal(doc.invalidated, true, `invalidation of ${key.id} lost (hash ${doc.hash.slice(0, 9)}, version ${doc.version})`);
      assert.equal(typeof doc.invalidation_time, "number");
      const upgraded = doc.hash.startsWith("{SSHA256}");
      if (upgraded) {
        outcomes.upgradedThenInvalidated++;
        assert.equal(doc.version, 3, "upgrade (1→2), then invalidation (2→3)");
      } else {
        outcomes.invalidatedFirst++;
        assert.equal(doc.version, 2);
      }
      assertKeyRefused(await authenticate(key.encoded), `api key [${key.id}] has been invalidated`);
    }
    report(
      `upgrade vs invalidation race, ${ROUNDS} keys: ${outcomes.upgradedThenInvalidated} upgraded then invalidated, ` +
        `${outcomes.invalidatedFirst} invalidated first (upgrade skipped), ${outcomes.authRefused} requests refused as already invalidated; 0 invalidations lost`,
    );
    assert.ok(outcomes.upgradedThenInvalidated + outcomes.invalidatedFirst === ROUNDS);
  });
});
