import assert from "node:assert/strict";
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { ImportProgress } from "../../../lib/services/api-keys/import-api-keys-options.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

// Elasticsearch's hash layouts, computed here with node:crypto alone (not with the library's
// hasher), so the test checks compatibility with hashes made elsewhere.
function esSsha256(secret: string): string {
  const salt = randomBytes(8);
  return "{SSHA256}" + salt.toString("base64") + createHash("sha256").update(secret, "utf8").update(salt).digest("base64");
}

function esPbkdf2(secret: string, iterations = 10_000): string {
  const salt = randomBytes(32);
  const key = pbkdf2Sync(Buffer.from(secret, "utf8"), salt, iterations, 32, "sha512");
  return `{PBKDF2}${iterations}$${salt.toString("base64")}$${key.toString("base64")}`;
}

function encoded(id: string, secret: string): string {
  return Buffer.from(`${id}:${secret}`, "utf8").toString("base64");
}

const READER = { cluster: ["monitor"], indices: [{ names: ["logs-*"], privileges: ["read"] }] };

describe("API keys: import", () => {
  let t: TestApp;
  const keys = () => t.db.connection.collection("security_api_keys");
  before(async () => {
    t = await startTestApp("ak_import", { failureRateLimit: false });
    const role = await t.admin("PUT", "/_security/role/log_reader", READER);
    assert.equal(role.status, 200, JSON.stringify(role.body));
  });
  after(() => t.close());

  it("imports plaintext and Elasticsearch-hashed keys that then authenticate and show their owner", async () => {
    const yesterday = Date.now() - 86_400_000;
    const rows = [
      {
        id: "legacy-plain-1",
        name: "plain key",
        secret: "hand-rolled-secret-1",
        owner: { username: "ann" },
        limited_by: ["log_reader"],
        metadata: { team: "ops" },
        expiration: "30d",
        creation: yesterday,
      },
      {
        id: "legacy-ssha-1",
        name: "ssha key",
        hash: esSsha256("ssha-secret"),
        owner: { username: "bob", realm: "ldap1", realm_type: "ldap" },
        role_descriptors: { narrow: { cluster: ["monitor"] } },
        limited_by: { log_reader: READER },
      },
      {
        id: "legacy-pbkdf2-1",
        name: "pbkdf2 key",
        hash: esPbkdf2("pbkdf2 secret: with a colon"),
        owner: { username: "ann", realm: "native" },
        limited_by: [{ log_reader: READER }],
        expiration: 4_102_444_800_000,
      },
    ];
    const phases: ImportProgress["phase"][] = [];
    const result = await t.security.apiKeys.import(rows, { onProgress: (p) => phases.push(p.phase) });
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.conflicts, []);
    assert.equal(result.inserted, 3);
    assert.equal(result.unchanged, 0);
    assert.deepEqual(
      result.keys.map((k) => [k.id, k.status]),
      [
        ["legacy-plain-1", "inserted"],
        ["legacy-ssha-1", "inserted"],
        ["legacy-pbkdf2-1", "inserted"],
      ],
    );
    assert.deepEqual([...new Set(phases)], ["validate", "compare", "write", "done"]);

    const plain = await keys().findOne({ _id: "legacy-plain-1" } as never);
    assert.ok(plain);
    assert.match(String(plain.hash), /^\{SSHA256\}/, "plaintext is hashed with the configured algorithm");
    assert.ok(!JSON.stringify(plain).includes("hand-rolled-secret-1"));
    assert.equal(plain.creation_time, yesterday);
    assert.equal(plain.expiration_time, yesterday + 30 * 86_400_000, "a time value counts from the creation time");
    assert.equal((await keys().findOne({ _id: "legacy-ssha-1" } as never))?.hash, rows[1]?.hash, "a given hash is stored as is");

    const who = async (id: string, secret: string) =>
      t.request("GET", "/_security/_authenticate", { auth: { apiKey: encoded(id, secret) } });
    const a = await who("legacy-plain-1", "hand-rolled-secret-1");
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal(a.body.username, "ann");
    assert.deepEqual(a.body.api_key, { id: "legacy-plain-1", name: "plain key" });
    const b = await who("legacy-ssha-1", "ssha-secret");
    assert.equal(b.status, 200, JSON.stringify(b.body));
    assert.equal(b.body.username, "bob");
    const c = await who("legacy-pbkdf2-1", "pbkdf2 secret: with a colon");
    assert.equal(c.status, 200, JSON.stringify(c.body));
    assert.equal((await who("legacy-ssha-1", "wrong")).status, 401);

    // The imported limited-by snapshot governs: log_reader allows monitor, not manage_security.
    const privileges = await t.request("POST", "/_security/user/_has_privileges", {
      auth: { apiKey: encoded("legacy-plain-1", "hand-rolled-secret-1") },
      body: { cluster: ["monitor", "manage_security"] },
    });
    assert.equal(privileges.status, 200, JSON.stringify(privileges.body));
    assert.deepEqual(privileges.body.cluster, { monitor: true, manage_security: false });

    const got = await t.admin("GET", "/_security/api_key?id=legacy-ssha-1&with_limited_by=true");
    assert.equal(got.status, 200);
    const info = got.body.api_keys[0];
    assert.equal(info.username, "bob");
    assert.equal(info.realm, "ldap1");
    assert.equal(info.realm_type, "ldap");
    assert.deepEqual(Object.keys(info.role_descriptors), ["narrow"]);
    assert.deepEqual(Object.keys(info.limited_by[0]), ["log_reader"]);
    const queried = await t.admin("POST", "/_security/_query/api_key", { query: { term: { username: "ann" } }, sort: ["name"] });
    assert.equal(queried.status, 200);
    assert.deepEqual(
      queried.body.api_keys.map((k: { id: string }) => k.id),
      ["legacy-pbkdf2-1", "legacy-plain-1"],
    );
    assert.equal(queried.body.api_keys[1].metadata.team, "ops");
  });

  it("importing the same rows again writes nothing and reports them unchanged", async () => {
    const rows = [
      { id: "again-1", name: "again", secret: "again-secret-1", owner: { username: "carl" }, limited_by: ["log_reader"], expiration: "1d" },
      { name: "no id", hash: esPbkdf2("no-id-secret", 1000), owner: { username: "carl" }, limited_by: ["log_reader"] },
      { name: "no id", secret: "no-id-secret-2", owner: { username: "carl" }, limited_by: ["log_reader"] },
    ];
    const first = await t.security.apiKeys.import(rows);
    assert.equal(first.inserted, 3);
    const generated = first.keys.slice(1).map((k) => k.id);
    assert.equal(new Set(generated).size, 2);
    for (const id of generated) assert.match(id, /^[A-Za-z0-9_-]{20}$/);
    const versions = await keys().find({ "creator.principal": "carl" }).project({ version: 1 }).toArray();

    const second = await t.security.apiKeys.import(rows);
    assert.deepEqual(second.errors, []);
    assert.deepEqual(second.conflicts, []);
    assert.equal(second.inserted, 0);
    assert.equal(second.unchanged, 3);
    assert.deepEqual(
      second.keys.map((k) => k.id),
      first.keys.map((k) => k.id),
      "rows without id find the keys they created",
    );
    assert.equal(await keys().countDocuments({ "creator.principal": "carl" }), 3);
    assert.deepEqual(await keys().find({ "creator.principal": "carl" }).project({ version: 1 }).toArray(), versions);
    const auth = await t.request("GET", "/_security/_authenticate", {
      auth: { apiKey: encoded(generated[1] as string, "no-id-secret-2") },
    });
    assert.equal(auth.status, 200);
  });

  it("an import cut short is completed by running it again; a concurrent twin is absorbed", async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({
      id: `resume-${i}`,
      name: `resume ${i}`,
      secret: `resume-secret-${i}`,
      owner: { username: "hal" },
      limited_by: ["log_reader"],
    }));
    // What a crash after the first batch leaves: whole keys for some rows, none for the rest.
    assert.equal((await t.security.apiKeys.import(rows.slice(0, 2))).inserted, 2);
    const rest = await t.security.apiKeys.import(rows, { batchSize: 2 });
    assert.deepEqual([rest.inserted, rest.unchanged], [4, 2]);

    // Two imports of the same new rows at once: both find nothing stored, both insert; the loser
    // of each id gets a duplicate-key error, compares, and counts the key unchanged.
    const twins = Array.from({ length: 30 }, (_, i) => ({
      id: `twin-${i}`,
      name: "twin",
      secret: `twin-secret-${i}`,
      owner: { username: "hal" },
      limited_by: ["log_reader"],
    }));
    const [a, b] = await Promise.all([
      t.security.apiKeys.import(twins, { batchSize: 7 }),
      t.security.apiKeys.import(twins, { batchSize: 5 }),
    ]);
    assert.deepEqual([...a.conflicts, ...b.conflicts], []);
    assert.equal(a.inserted + b.inserted, 30);
    assert.equal(a.unchanged + b.unchanged, 30);
    assert.equal(await keys().countDocuments({ _id: { $regex: "^twin-" } } as never), 30);
  });

  it("a stored id with different content is a conflict, and nothing of that input is written", async () => {
    const base = { name: "stable", owner: { username: "dora" }, limited_by: ["log_reader"] };
    const first = await t.security.apiKeys.import([{ id: "conflict-1", secret: "first-secret", ...base }]);
    assert.equal(first.inserted, 1);
    const before = await keys().countDocuments();
    const result = await t.security.apiKeys.import([
      { id: "conflict-new", secret: "new-secret", ...base },
      { id: "conflict-1", secret: "other-secret", ...base, metadata: { changed: true } },
    ]);
    assert.equal(result.inserted, 0);
    assert.deepEqual(result.keys, []);
    assert.equal(result.conflicts.length, 1);
    assert.deepEqual(result.conflicts[0], {
      row: 2,
      id: "conflict-1",
      reason: "API key [conflict-1] already exists with a different metadata, secret",
    });
    assert.ok(!JSON.stringify(result).includes("other-secret"));
    assert.equal(await keys().countDocuments(), before);
    assert.equal(await keys().countDocuments({ _id: "conflict-new" } as never), 0);
  });

  it("bad rows are reported with their line numbers and nothing is written", async () => {
    const before = await keys().countDocuments();
    const text = [
      "[",
      '  {"id": "ok-1", "name": "fine", "secret": "s3cret-value", "owner": {"username": "eve"}, "limited_by": ["log_reader"]},',
      '  {"id": "bad:id", "name": "x", "secret": "leaky-secret-1", "owner": {"username": "eve"}, "limited_by": ["log_reader"]},',
      "  {",
      '    "name": "_reserved", "secret": "leaky-secret-2",',
      '    "owner": {"username": "eve"}, "limited_by": ["log_reader"]',
      "  },",
      '  {"name": "h", "hash": "{SSHA256}short", "owner": {"username": "eve"}, "limited_by": ["log_reader"]},',
      '  {"name": "r", "secret": "x", "owner": {"username": "eve"}, "limited_by": ["no_such_role"]},',
      '  {"name": "d", "secret": "x", "owner": {"username": "eve"}, "limited_by": ["log_reader"], "role_descriptors": {"r": {"cluster": ["bogus"]}}},',
      '  {"id": "ok-1", "name": "dup", "secret": "x", "owner": {"username": "eve"}, "limited_by": ["log_reader"]},',
      '  {"name": "t", "secret": "x", "hash": "{SSHA256}x", "owner": {"username": "eve"}, "limited_by": ["log_reader"]},',
      '  {"name": "o", "secret": "x", "owner": {"username": "eve", "realm": "corp"}, "limited_by": ["log_reader"]},',
      '  {"name": "c", "secret": "kg_leakysecret4AAAAAAAAAA000000", "owner": {"username": "eve"}, "limited_by": ["log_reader"]},',
      '  {"name": "j", "secret": "leaky-secret-3" "owner": {}}',
      "]",
    ].join("\n");
    const result = await t.security.apiKeys.import(text);
    assert.equal(result.inserted, 0);
    const expected: Array<[number, string]> = [
      [3, "[id] must be 1 to 512 characters from A-Z a-z 0-9 _ - . ~"],
      [4, "Validation Failed: 1: api key name may not begin with an unde"],
      [8, "[hash] a {SSHA256} hash is {SSHA256}<base64 of an 8-byte salt"],
      [9, "[limited_by] names unknown role [no_such_role]"],
      [10, "Validation Failed: 1: unknown cluster privilege [bogus]. a pri"],
      [11, "duplicate id [ok-1] (first at line 2)"],
      [12, "exactly one of [secret] (plaintext) and [hash] (an Elasticsea"],
      [13, "[owner.realm_type] is required: realm [corp] is not configure"],
      [14, "[secret] has the shape of this library's checksummed secrets"],
      [15, "invalid JSON"],
    ];
    assert.deepEqual(
      result.errors.map((e) => e.line),
      expected.map(([line]) => line),
      JSON.stringify(result.errors),
    );
    result.errors.forEach((error, i) =>
      assert.ok(error.reason.startsWith((expected[i] as [number, string])[1]), `line ${error.line}: ${error.reason}`),
    );
    assert.ok(!/leaky-?secret/.test(JSON.stringify(result)), "no secret in any reason");
    assert.equal(await keys().countDocuments(), before, "nothing was written");
    assert.equal(await keys().countDocuments({ _id: "ok-1" } as never), 0);

    const ndjson =
      '{"name": "a", "secret": "x", "owner": {"username": "eve"}, "limited_by": []}\n\n{"name": "b", "secret": "x", "limited_by": []}\n';
    const nd = await t.security.apiKeys.import(ndjson, { dryRun: true });
    assert.deepEqual(nd.errors, [{ line: 3, row: 2, reason: "[owner] is required: {username, realm?, realm_type?}" }]);
  });

  it("a dry run validates and compares but writes nothing", async () => {
    const before = await keys().countDocuments();
    const result = await t.security.apiKeys.import(
      [{ id: "dry-1", name: "dry", secret: "dry-secret", owner: { username: "fay" }, limited_by: ["log_reader"] }],
      { dryRun: true },
    );
    assert.equal(result.dryRun, true);
    assert.deepEqual(
      result.keys.map((k) => k.status),
      ["new"],
    );
    assert.equal(await keys().countDocuments(), before);
  });

  it("a store much larger than the input is compared by batched lookups, with the same outcomes", async () => {
    const filler = Array.from({ length: 20 }, (_, i) => ({
      id: `filler-${i}`,
      name: "filler",
      secret: `filler-${i}`,
      owner: { username: "gus" },
      limited_by: [],
    }));
    assert.equal((await t.security.apiKeys.import(filler)).inserted, 20);
    const stored = await keys().countDocuments();
    const rows = [
      { id: "again-1", name: "again", secret: "again-secret-1", owner: { username: "carl" }, limited_by: ["log_reader"], expiration: "1d" },
      { name: "no id", secret: "no-id-secret-2", owner: { username: "carl" }, limited_by: ["log_reader"] },
    ];
    assert.ok(stored > 4 * rows.length, `the store (${stored}) must be larger than 4 × the rows for this path`);
    const same = await t.security.apiKeys.import(rows);
    assert.deepEqual([same.inserted, same.unchanged, same.conflicts.length], [0, 2, 0]);
    const changed = await t.security.apiKeys.import([{ ...rows[0], name: "renamed" }]);
    assert.deepEqual(
      changed.conflicts.map((c) => c.reason),
      ["API key [again-1] already exists with a different name"],
    );
    assert.equal(await keys().countDocuments(), stored);
  });

  it("misuse is a TypeError", async () => {
    await assert.rejects(() => t.security.apiKeys.import({} as never), TypeError);
    await assert.rejects(() => t.security.apiKeys.import([], { batchSize: 0 }), /batchSize/);
  });
});
