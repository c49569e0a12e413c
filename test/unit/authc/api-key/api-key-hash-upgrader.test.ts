import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AuditTrail } from "../../../../lib/audit/audit-trail.js";
import type { AuditEvent } from "../../../../lib/model/audit-event.js";
import { snapshotOf } from "../../../../lib/authc/api-key/api-key-authenticator.js";
import { ApiKeyCache } from "../../../../lib/authc/api-key/api-key-cache.js";
import { hashPbkdf2, hashSsha256, verifySsha256 } from "../../../../lib/authc/api-key/api-key-hash.js";
import type { ApiKeyHashAlgorithm } from "../../../../lib/model/api-key-options.js";
import { ApiKeyHashUpgrader, MAX_CONCURRENT_UPGRADES, needsHashUpgrade } from "../../../../lib/authc/api-key/api-key-hash-upgrader.js";
import type { ApiKeyDoc } from "../../../../lib/store/store-documents.js";
import { apiKeyDoc } from "../../../support/api-key-doc.js";

const ID = "key-id-0000000000001";
const SECRET = "AbCdEfGhIjKlMnOpQrStUv";

function doc(hash: string): ApiKeyDoc {
  return apiKeyDoc({ _id: ID, hash, version: 3 });
}

function setup(stored: ApiKeyDoc, replace: (hash: string) => Promise<boolean> = async () => true) {
  const events: AuditEvent[] = [];
  const writes: Array<{ version: number; expected: string; hash: string }> = [];
  const cache = new ApiKeyCache({ ttlMs: 86_400_000, maxKeys: 100, docTtlMs: 300_000 });
  const store = {
    async get() {
      return stored;
    },
    async replaceHash(_id: string, version: number, expected: string, hash: string) {
      writes.push({ version, expected, hash });
      return replace(hash);
    },
  };
  const hasher = { algorithm: "ssha256" as ApiKeyHashAlgorithm, hash: async (secret: string) => hashSsha256(secret) };
  const upgrader = new ApiKeyHashUpgrader(store, hasher, cache, new AuditTrail((e) => events.push(e)));
  return { events, writes, cache, upgrader };
}

describe("needsHashUpgrade", () => {
  it("upgrades another family, PBKDF2_STRETCH and weaker PBKDF2; never the configured one or a stronger PBKDF2", async () => {
    const pbkdf2 = await hashPbkdf2(SECRET);
    const cases: Array<[string, ApiKeyHashAlgorithm, boolean]> = [
      [hashSsha256(SECRET), "ssha256", false],
      [pbkdf2, "ssha256", true],
      ["$2b$04$abcdefghijklmnopqrstuu5Nfh1sZ1m0K1i6E1V0Gm8X3QwPq9vxW", "ssha256", true],
      ["{BCRYPT}$2a$04$abcdefghijklmnopqrstuu5Nfh1sZ1m0K1i6E1V0Gm8X3QwPq9vxW", "ssha256", true],
      [hashSsha256(SECRET), "pbkdf2", true],
      [pbkdf2, "pbkdf2", false],
      [pbkdf2.replace("{PBKDF2}10000$", "{PBKDF2}1000$"), "pbkdf2", true],
      [pbkdf2.replace("{PBKDF2}10000$", "{PBKDF2}50000$"), "pbkdf2", false],
      [pbkdf2.replace("{PBKDF2}", "{PBKDF2_STRETCH}"), "pbkdf2", true],
      ["$2b$04$abcdefghijklmnopqrstuu5Nfh1sZ1m0K1i6E1V0Gm8X3QwPq9vxW", "bcrypt", false],
      ["plaintext", "ssha256", false],
    ];
    for (const [hash, algorithm, expected] of cases)
      assert.equal(needsHashUpgrade(hash, algorithm), expected, `${hash.slice(0, 20)} → ${algorithm}`);
  });
});

describe("ApiKeyHashUpgrader", () => {
  it("rewrites at the version read, caches the new hash with the verified secret, audits without secrets", async () => {
    const old = await hashPbkdf2(SECRET);
    const t = setup(doc(old));
    t.upgrader.consider(snapshotOf(doc(old)), SECRET);
    t.upgrader.consider(snapshotOf(doc(old)), SECRET);
    assert.equal(t.upgrader.pending, 1, "one upgrade per key at a time");
    await t.upgrader.idle();
    assert.equal(t.writes.length, 1);
    assert.equal(t.writes[0]?.version, 3);
    assert.equal(t.writes[0]?.expected, old);
    assert.ok(verifySsha256(SECRET, t.writes[0]?.hash ?? ""));
    const cached = t.cache.lookup(ID, SECRET, Date.now());
    assert.equal(cached?.verified, true, "next request is a cache hit against the new hash");
    assert.equal(cached?.snapshot.hash, t.writes[0]?.hash);
    assert.equal(t.events.length, 1);
    assert.deepEqual(
      { ...t.events[0], timestamp: "" },
      { type: "api_key_hash_upgrade", timestamp: "", api_key_id: ID, from: "pbkdf2", to: "ssha256", outcome: "upgraded" },
    );
  });

  it("runs at most MAX_CONCURRENT_UPGRADES at once and skips the others (no queue)", async () => {
    const old = await hashPbkdf2(SECRET);
    const t = setup(doc(old));
    for (let i = 0; i < MAX_CONCURRENT_UPGRADES + 3; i++) t.upgrader.consider(snapshotOf({ ...doc(old), _id: `key-${i}` }), SECRET);
    assert.equal(t.upgrader.pending, MAX_CONCURRENT_UPGRADES);
    await t.upgrader.idle();
    assert.equal(t.writes.length, MAX_CONCURRENT_UPGRADES);
  });

  it("skips an already configured hash, a changed hash, an invalidated key and a lost race; never throws", async () => {
    const current = setup(doc(hashSsha256(SECRET)));
    current.upgrader.consider(snapshotOf(doc(hashSsha256(SECRET))), SECRET);
    assert.equal(current.upgrader.pending, 0);

    const old = await hashPbkdf2(SECRET);
    const changed = setup(doc(hashSsha256(SECRET)));
    changed.upgrader.consider(snapshotOf(doc(old)), SECRET);
    await changed.upgrader.idle();
    assert.equal(changed.writes.length, 0);

    const invalidated = setup({ ...doc(old), invalidated: true });
    invalidated.upgrader.consider(snapshotOf(doc(old)), SECRET);
    await invalidated.upgrader.idle();
    assert.equal(invalidated.writes.length, 0);

    const lost = setup(doc(old), async () => false);
    lost.upgrader.consider(snapshotOf(doc(old)), SECRET);
    await lost.upgrader.idle();
    assert.equal(lost.writes.length, 1);
    assert.equal(lost.cache.size, 0, "a lost race caches nothing");
    assert.equal(lost.events[0]?.type === "api_key_hash_upgrade" && lost.events[0].outcome, "skipped");

    const failing = setup(doc(old), async () => {
      throw Object.assign(new Error(`E11000 duplicate key: { hash: "${old}" } secret ${SECRET}`), {
        name: "MongoServerError",
        code: 11000,
      });
    });
    failing.upgrader.consider(snapshotOf(doc(old)), SECRET);
    await failing.upgrader.idle();
    const event = failing.events[0];
    assert.ok(event?.type === "api_key_hash_upgrade");
    assert.equal(event.outcome, "failed");
    assert.equal(event.reason, "MongoServerError (code 11000)");
    assert.ok(!JSON.stringify(failing.events).includes(SECRET) && !JSON.stringify(failing.events).includes(old.slice(-20)));

    await failing.upgrader.close();
    failing.upgrader.consider(snapshotOf(doc(old)), SECRET);
    assert.equal(failing.upgrader.pending, 0, "closed: no new upgrades");
  });
});
