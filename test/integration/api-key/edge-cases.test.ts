import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { hashSsha256 } from "../../../lib/authc/api-key/api-key-hash.js";
import { startTestApp, type HttpResult, type TestApp } from "../../support/test-app.js";
import { as, assertError, assertKeyRefused, createFixtures, createKey, type CreatedKey } from "./api-key-fixtures.js";

const KEYS = "security_api_keys";

describe("API keys: edge cases of every field, injection, secrecy, selectors, concurrency", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("ak_edges", { failureRateLimit: false });
    await createFixtures(t);
  });
  after(() => t.close());

  const collection = () => t.db.connection.collection(KEYS);
  /** Every stored key with the fields a write would change: a 400 must leave this identical. */
  const snapshot = async () =>
    JSON.stringify(
      await collection()
        .find({}, { projection: { hash: 0 } })
        .sort({ _id: 1 })
        .toArray(),
    );
  const stored = async (id: string) => collection().findOne({ _id: id } as never);

  describe("expiration", () => {
    it("0, -1 and 1nanos expire at once; -1<unit> is accepted; units are case-insensitive, spaces allowed", async () => {
      for (const expiration of ["0", "000", "-1", "1nanos", "900ms", "-1d"]) {
        const before = Date.now();
        const key = await createKey(t, "owner", { name: `at-once-${expiration}`, expiration });
        assert.equal(typeof key.expiration, "number", expiration);
        const expected = expiration === "-1d" ? before - 86_400_000 : before;
        assert.ok(Math.abs((key.expiration as number) - expected) < 2000, `${expiration}: ${key.expiration} vs ${expected}`);
        assertKeyRefused(await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }), "api key is expired");
      }
      for (const [expiration, ms] of [
        ["2D", 2 * 86_400_000],
        ["3H", 3 * 3_600_000],
        [" 1 d ", 86_400_000],
        ["+90s", 90_000],
        ["9223372036854775807nanos", 9_223_372_036_000],
      ] as const) {
        const before = Date.now();
        const key = await createKey(t, "owner", { name: "units", expiration });
        assert.ok(Math.abs((key.expiration as number) - (before + ms)) < 2000, `${expiration}: ${key.expiration}`);
      }
    });

    it("refuses fractions, junk, huge values and non-strings with Elasticsearch's messages, writing nothing", async () => {
      const before = await snapshot();
      const cases: Array<[unknown, string, string]> = [
        ["1.5h", "illegal_argument_exception", "failed to parse [1.5h], fractional time values are not supported"],
        ["1e3s", "illegal_argument_exception", "failed to parse [1e3s], fractional time values are not supported"],
        ["abcd", "illegal_argument_exception", "failed to parse [abcd]"],
        [
          "1w",
          "illegal_argument_exception",
          "failed to parse setting [expiration] with value [1w] as a time value: unit is missing or unrecognized",
        ],
        [
          "1M",
          "illegal_argument_exception",
          "failed to parse setting [expiration] with value [1M] as a time value: unit is missing or unrecognized",
        ],
        [
          "",
          "illegal_argument_exception",
          "failed to parse setting [expiration] with value [] as a time value: unit is missing or unrecognized",
        ],
        [
          "-2m",
          "illegal_argument_exception",
          "failed to parse setting [expiration] with value [-2m] as a time value: negative durations are not supported",
        ],
        [
          "99999999999d",
          "illegal_argument_exception",
          "failed to parse setting [expiration] with value [99999999999d] as a time value: value is too large",
        ],
        [86400, "x_content_parse_exception", "[api_key_request] expiration doesn't support values of type: VALUE_NUMBER"],
        [true, "x_content_parse_exception", "[api_key_request] expiration doesn't support values of type: VALUE_BOOLEAN"],
        [["1d"], "x_content_parse_exception", "[api_key_request] expiration doesn't support values of type: START_ARRAY"],
        [{ $gt: "" }, "x_content_parse_exception", "[api_key_request] expiration doesn't support values of type: START_OBJECT"],
      ];
      for (const [expiration, type, reason] of cases) {
        assertError(
          await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "bad", expiration } }),
          400,
          type,
          reason,
        );
      }
      const live = await createKey(t, "owner", { name: "exp-target" });
      const afterCreate = await snapshot();
      assertError(
        await t.request("PUT", `/_security/api_key/${live.id}`, { auth: as("owner"), body: { expiration: "1.5h" } }),
        400,
        "illegal_argument_exception",
        "failed to parse [1.5h], fractional time values are not supported",
      );
      assertError(
        await t.request("PUT", `/_security/api_key/${live.id}`, { auth: as("owner"), body: { expiration: 5 } }),
        400,
        "x_content_parse_exception",
        "[update_api_key_request_payload] expiration doesn't support values of type: VALUE_NUMBER",
      );
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("owner"), body: { ids: [live.id], expiration: 5 } }),
        400,
        "x_content_parse_exception",
        "[bulk_update_api_key_request_payload] expiration doesn't support values of type: VALUE_NUMBER",
      );
      assertError(
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("granter"),
          body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "g", expiration: "0.5d" } },
        }),
        400,
        "illegal_argument_exception",
        "failed to parse [0.5d], fractional time values are not supported",
      );
      assert.equal(await snapshot(), afterCreate);
      assert.notEqual(before, afterCreate);
    });

    it("an update with expiration 0 expires the key at once; without expiration it keeps it", async () => {
      const key = await createKey(t, "owner", { name: "exp-update", expiration: "1d" });
      assert.deepEqual((await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { metadata: { x: 1 } } })).body, {
        updated: true,
      });
      assert.equal((await stored(key.id))?.expiration_time, key.expiration);
      assert.deepEqual((await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { expiration: "0" } })).body, {
        updated: true,
      });
      assertKeyRefused(await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }), "api key is expired");
    });
  });

  describe("name", () => {
    it("applies Elasticsearch's rules (Java's trim: only characters up to U+0020 are whitespace)", async () => {
      const validation = (...messages: string[]) => `Validation Failed: ${messages.map((m, i) => `${i + 1}: ${m};`).join("")}`;
      const cases: Array<[unknown, string, string]> = [
        ["x".repeat(257), "action_request_validation_exception", validation("api key name may not be more than 256 characters long")],
        ["_x", "action_request_validation_exception", validation("api key name may not begin with an underscore")],
        ["   ", "action_request_validation_exception", validation("api key name may not begin or end with whitespace")],
        ["x\n", "action_request_validation_exception", validation("api key name may not begin or end with whitespace")],
        [
          ` _${"y".repeat(256)}`,
          "action_request_validation_exception",
          validation("api key name may not be more than 256 characters long", "api key name may not begin or end with whitespace"),
        ],
        [null, "action_request_validation_exception", validation("api key name is required")],
        [7, "x_content_parse_exception", "[api_key_request] name doesn't support values of type: VALUE_NUMBER"],
        [false, "x_content_parse_exception", "[api_key_request] name doesn't support values of type: VALUE_BOOLEAN"],
        [["a"], "x_content_parse_exception", "[api_key_request] name doesn't support values of type: START_ARRAY"],
        [{ $ne: null }, "x_content_parse_exception", "[api_key_request] name doesn't support values of type: START_OBJECT"],
      ];
      for (const [name, type, reason] of cases) {
        assertError(await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name } }), 400, type, reason);
      }
      for (const name of ["\u00a0nbsp\u00a0", "a_b", "ünïcødé ✓", "x".repeat(256)]) {
        const key = await createKey(t, "owner", { name });
        const info = await t.request("GET", `/_security/api_key?id=${key.id}`, { auth: as("manager") });
        assert.equal(info.body.api_keys[0].name, name);
      }
    });
  });

  describe("metadata", () => {
    it("refuses `$` keys at any depth (also as a dotted segment) and reserved top-level `_` keys", async () => {
      const before = await snapshot();
      const cases: Array<[unknown, string, string]> = [
        [{ $where: "1" }, "parse_exception", "[metadata] may not contain the key [$where]"],
        [{ a: { b: { $gt: 1 } } }, "parse_exception", "[metadata] may not contain the key [$gt]"],
        [{ a: [{ ok: 1 }, { $in: [] }] }, "parse_exception", "[metadata] may not contain the key [$in]"],
        [{ "a.$b": 1 }, "parse_exception", "[metadata] may not contain the key [a.$b]"],
        [{ _reserved: true }, "action_request_validation_exception", "Validation Failed: 1: API key metadata keys may not start with [_];"],
        [[1], "x_content_parse_exception", "[api_key_request] metadata doesn't support values of type: START_ARRAY"],
      ];
      for (const [metadata, type, reason] of cases) {
        assertError(await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "m", metadata } }), 400, type, reason);
      }
      assert.equal(await snapshot(), before);
    });

    it("keeps dotted and nested `_` keys as given, and `metadata.a.b` finds both spellings", async () => {
      const dotted = await createKey(t, "owner", {
        name: "md-dotted",
        metadata: { "app.env": "prod", "app.tier": 2, deep: { _private: "x", "k.v": ["a", "b"] } },
      });
      const nested = await createKey(t, "owner", { name: "md-nested", metadata: { app: { env: "prod", tier: "2" } } });
      const mixed = await createKey(t, "owner", { name: "md-mixed", metadata: { app: "root", "app.env": "dev" } });
      const get = await t.request("GET", `/_security/api_key?id=${dotted.id}`, { auth: as("manager") });
      assert.deepEqual(get.body.api_keys[0].metadata, { "app.env": "prod", "app.tier": 2, deep: { _private: "x", "k.v": ["a", "b"] } });
      const query = async (body: unknown) => {
        const res = await t.request("POST", "/_security/_query/api_key", { auth: as("manager"), body });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (res.body.api_keys as Array<{ id: string }>).map((k) => k.id).sort();
      };
      assert.deepEqual(await query({ query: { term: { "metadata.app.env": "prod" } } }), [dotted.id, nested.id].sort());
      assert.deepEqual(await query({ query: { term: { "metadata.app.tier": "2" } } }), [dotted.id, nested.id].sort());
      assert.deepEqual(await query({ query: { term: { "metadata.deep.k.v": "b" } } }), [dotted.id]);
      assert.deepEqual(await query({ query: { term: { "metadata.app": "root" } } }), [mixed.id]);
      assert.deepEqual(await query({ query: { term: { "metadata.app.env": "dev" } } }), [mixed.id]);
      assert.deepEqual(
        await query({ query: { bool: { filter: [{ exists: { field: "metadata.app.env" } }, { prefix: { name: "md-" } }] } } }),
        [dotted.id, nested.id, mixed.id].sort(),
      );
      assert.deepEqual(await query({ query: { term: { metadata: "prod" } } }), [dotted.id, nested.id].sort());
      const info = await t.request("POST", "/_security/_query/api_key", {
        auth: as("manager"),
        body: { query: { ids: { values: [mixed.id] } } },
      });
      assert.deepEqual(info.body.api_keys[0].metadata, { app: "root", "app.env": "dev" });

      // Update replaces the metadata and its queryable copy together; the same map again is a no-op.
      assert.deepEqual(
        (await t.request("PUT", `/_security/api_key/${nested.id}`, { auth: as("owner"), body: { metadata: { "app.env": "test" } } })).body,
        { updated: true },
      );
      assert.deepEqual(
        (await t.request("PUT", `/_security/api_key/${nested.id}`, { auth: as("owner"), body: { metadata: { "app.env": "test" } } })).body,
        { updated: false },
      );
      assert.deepEqual(await query({ query: { term: { "metadata.app.env": "prod" } } }), [dotted.id]);
      assert.deepEqual(await query({ query: { term: { "metadata.app.env": "test" } } }), [nested.id]);
      const raw = await stored(dotted.id);
      assert.equal(typeof raw?.metadata, "string", "metadata is stored as a JSON string");
      assert.ok(!JSON.stringify(Object.keys(raw?.metadata_flattened ?? {})).includes("."), "no stored field name holds a dot");
    });
  });

  describe("no request value reaches a MongoDB filter", () => {
    it("answers an operator object in every body field and parameter of every endpoint with 400, writing nothing", async () => {
      const target = await createKey(t, "owner", { name: "injection-target" });
      const before = await snapshot();
      const operators: unknown[] = [{ $gt: "" }, { $ne: null }, [{ $gt: "" }], { $regex: ".*" }];
      const grantBase = { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "g" } };
      const endpoints: Array<[string, string, (v: unknown) => unknown[]]> = [
        [
          "POST",
          "/_security/api_key",
          (v) => [
            { name: v },
            { name: "k", expiration: v },
            { name: "k", role_descriptors: v },
            { name: "k", role_descriptors: { r: v } },
            { name: "k", role_descriptors: { r: { cluster: v } } },
            { name: "k", role_descriptors: { r: { indices: [{ names: v, privileges: ["read"] }] } } },
            { name: "k", role_descriptors: { r: { metadata: v } } },
            { name: "k", metadata: v },
          ],
        ],
        ["PUT", `/_security/api_key/${target.id}`, (v) => [{ expiration: v }, { role_descriptors: v }, { metadata: v }]],
        [
          "POST",
          "/_security/api_key/_bulk_update",
          (v) => [
            { ids: v },
            { ids: [target.id], expiration: v },
            { ids: [target.id], metadata: v },
            { ids: [target.id], role_descriptors: v },
          ],
        ],
        ["DELETE", "/_security/api_key", (v) => [{ ids: v }, { id: v }, { name: v }, { username: v }, { realm_name: v }, { owner: v }]],
        [
          "POST",
          "/_security/api_key/grant",
          (v) => [
            { ...grantBase, grant_type: v },
            { ...grantBase, username: v },
            { ...grantBase, password: v },
            { ...grantBase, run_as: v },
            { ...grantBase, api_key: v },
            { ...grantBase, api_key: { name: v } },
            { ...grantBase, client_authentication: v },
          ],
        ],
        [
          "POST",
          "/_security/_query/api_key",
          (v) => [
            { query: v },
            { query: { term: { name: v } } },
            { query: { term: { name: { value: v } } } },
            { query: { terms: { name: v } } },
            { query: { ids: { values: v } } },
            { query: { prefix: { name: v } } },
            { query: { wildcard: { name: v } } },
            { query: { exists: { field: v } } },
            { query: { range: { creation: v } } },
            { query: { range: { creation: { gte: v } } } },
            { query: { range: { name: { lt: v } } } },
            { query: { match: { name: v } } },
            { query: { simple_query_string: { query: v } } },
            { query: { simple_query_string: { query: "x", fields: v } } },
            { query: { bool: { must: v } } },
            { from: v },
            { size: v },
            { sort: v },
            { sort: [{ name: v }] },
            { search_after: v, sort: ["name"] },
            { aggs: v },
            { aggs: { a: { terms: { field: v } } } },
            { aggs: { a: { terms: { field: "name", include: v } } } },
            { aggs: { a: { filter: v } } },
            { aggs: { a: { composite: { sources: [{ s: { terms: { field: "name" } } }], after: v } } } },
          ],
        ],
      ];
      let checked = 0;
      for (const [method, path, bodies] of endpoints) {
        for (const operator of operators) {
          for (const body of bodies(operator)) {
            const res = await t.request(method, path, { auth: as("manager"), body });
            assert.equal(res.status, 400, `${method} ${path} ${JSON.stringify(body)} → ${res.status} ${JSON.stringify(res.body)}`);
            checked++;
          }
        }
      }
      const params: Array<[string, string]> = [
        ["GET", "/_security/api_key?id[$gt]="],
        ["GET", "/_security/api_key?name[$ne]=x"],
        ["GET", "/_security/api_key?username[$regex]=.*"],
        ["GET", "/_security/api_key?realm_name[$gt]=&username=owner"],
        ["GET", "/_security/api_key?owner[$ne]=false"],
        ["GET", "/_security/api_key?active_only[$ne]=1"],
        ["GET", "/_security/api_key?id=a&id=b"],
        ["POST", "/_security/_query/api_key?with_limited_by[$ne]=1"],
        ["POST", "/_security/_query/api_key?typed_keys=true&typed_keys=false"],
      ];
      for (const [method, path] of params) {
        const res = await t.request(method, path, { auth: as("manager"), ...(method === "POST" ? { body: {} } : {}) });
        assertError(res, 400, "illegal_argument_exception", /parameter/);
        checked++;
      }
      // Path segments are plain strings: an operator spelled in the URL names no key.
      const encoded = encodeURIComponent(JSON.stringify({ $gt: "" }));
      assertError(
        await t.request("PUT", `/_security/api_key/${encoded}`, { auth: as("owner"), body: {} }),
        404,
        "resource_not_found_exception",
        'no API key owned by requesting user found for ID [{"$gt":""}]',
      );
      assert.ok(checked > 150);
      assert.equal(await snapshot(), before, "nothing was written");
    });
  });

  describe("secrecy", () => {
    it("the secret is in the create/grant response only; the hash never leaves the database", async () => {
      const created = await createKey(t, "owner", { name: "secret-check", metadata: { m: 1 } });
      const granted = (
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("granter"),
          body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "secret-grant" } },
        })
      ).body as CreatedKey;
      for (const key of [created, granted]) {
        const hash = String((await stored(key.id))?.hash);
        assert.ok(hash.length > 20);
        const responses: HttpResult[] = [
          await t.request("GET", `/_security/api_key?id=${key.id}&with_limited_by=true`, { auth: as("manager") }),
          await t.request("GET", "/_security/api_key?with_limited_by=true", { auth: as("manager") }),
          await t.request("GET", `/_security/api_key?id=${key.id}`, { auth: { apiKey: key.encoded } }),
          await t.request("POST", "/_security/_query/api_key?with_limited_by=true", {
            auth: as("manager"),
            body: { query: { ids: { values: [key.id] } }, sort: ["name"], aggs: { n: { terms: { field: "name" } } } },
          }),
          await t.request("POST", "/_security/_query/api_key", { auth: { apiKey: key.encoded }, body: {} }),
          await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
          await t.request("GET", "/_security/_authenticate", {
            auth: { apiKey: Buffer.from(`${key.id}:${key.api_key}x`).toString("base64") },
          }),
          await t.request("PUT", `/_security/api_key/${key.id}`, { auth: { apiKey: key.encoded }, body: {} }),
          await t.request("DELETE", "/_security/api_key", { auth: { apiKey: key.encoded }, body: { ids: ["someone-else"] } }),
        ];
        for (const res of responses) {
          const text = JSON.stringify(res.body);
          assert.ok(!text.includes(key.api_key), `secret leaked: ${text}`);
          assert.ok(!text.includes(key.encoded), `encoded credentials leaked: ${text}`);
          assert.ok(!text.includes(hash) && !/"(api_key_)?hash"/.test(text), `hash leaked: ${text}`);
        }
        assert.equal(responses[0]?.body.api_keys[0].id, key.id);
      }
    });
  });

  describe("get", () => {
    it("active_only drops invalidated keys and keys expired now, keeps live and future-expiring ones", async () => {
      const live = await createKey(t, "other", { name: "ao-live" });
      const later = await createKey(t, "other", { name: "ao-later", expiration: "1h" });
      const expired = await createKey(t, "other", { name: "ao-expired", expiration: "0" });
      const gone = await createKey(t, "other", { name: "ao-gone" });
      await t.request("DELETE", "/_security/api_key", { auth: as("other"), body: { ids: [gone.id], owner: true } });
      const ids = async (query: string, user: "other" | "manager" = "other") => {
        const res = await t.request("GET", `/_security/api_key${query}`, { auth: as(user) });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (res.body.api_keys as Array<{ id: string }>).map((k) => k.id).sort();
      };
      const all = [live.id, later.id, expired.id, gone.id].sort();
      const active = [live.id, later.id].sort();
      assert.deepEqual(await ids("?owner=true&name=ao-*"), all);
      assert.deepEqual(await ids("?owner=true&name=ao-*&active_only=false"), all);
      assert.deepEqual(await ids("?owner=true&name=ao-*&active_only=true"), active);
      assert.deepEqual(await ids("?owner=true&name=ao-*&active_only"), active, "an empty value means true");
      assert.deepEqual(await ids(`?id=${expired.id}&active_only=true`, "manager"), []);
      assert.deepEqual(await ids(`?id=${expired.id}`, "manager"), [expired.id]);
      assert.deepEqual(
        await ids("?username=other&realm_name=native&active_only=true&name=", "manager"),
        await ids("?username=other&active_only=true", "manager"),
      );
    });

    it("with_limited_by: absent by default; an array of one map; [{}] for derived keys; also in _query", async () => {
      const plain = await createKey(t, "owner", { name: "lb-plain", role_descriptors: { r: { cluster: ["monitor"] } } });
      const derived = await createKey(t, "owner", { name: "lb-derived", role_descriptors: { noop: {} } });
      const parent = await createKey(t, "owner", { name: "lb-parent" });
      const derivedByKey = (
        await t.request("POST", "/_security/api_key", {
          auth: { apiKey: parent.encoded },
          body: { name: "lb-derived-by-key", role_descriptors: { noop: {} } },
        })
      ).body as CreatedKey;
      const info = async (id: string, params = "") =>
        (await t.request("GET", `/_security/api_key?id=${id}${params}`, { auth: as("reader") })).body.api_keys[0];
      for (const params of ["", "&with_limited_by=false"]) {
        assert.ok(!("limited_by" in (await info(plain.id, params))), params);
      }
      const withLimits = await info(plain.id, "&with_limited_by=true");
      assert.deepEqual(Object.keys(withLimits).slice(-3), ["metadata", "role_descriptors", "limited_by"]);
      assert.equal(withLimits.limited_by.length, 1);
      assert.deepEqual(Object.keys(withLimits.limited_by[0]), ["own_keys", "index_reader"]);
      assert.deepEqual(withLimits.limited_by[0].index_reader.indices, [
        { names: ["index-a", "index-b"], privileges: ["read", "view_index_metadata"], allow_restricted_indices: false },
      ]);
      assert.deepEqual(withLimits.role_descriptors, {
        r: { cluster: ["monitor"], indices: [], applications: [], run_as: [], metadata: {}, transient_metadata: { enabled: true } },
      });
      assert.deepEqual((await info(derived.id, "&with_limited_by")).role_descriptors.noop, {
        cluster: [],
        indices: [],
        applications: [],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      });
      assert.deepEqual((await info(derivedByKey.id, "&with_limited_by=true")).limited_by, [{}]);

      const query = async (params: string) =>
        (
          await t.request("POST", `/_security/_query/api_key${params}`, {
            auth: as("reader"),
            body: { query: { prefix: { name: "lb-" } }, sort: ["name"] },
          })
        ).body.api_keys;
      assert.ok((await query("")).every((k: object) => !("limited_by" in k)));
      const limited = await query("?with_limited_by=true");
      assert.deepEqual(
        limited.map((k: { name: string }) => k.name),
        ["lb-derived", "lb-derived-by-key", "lb-parent", "lb-plain"],
      );
      assert.deepEqual(limited[1].limited_by, [{}]);
      assert.deepEqual(Object.keys(limited[3].limited_by[0]), ["own_keys", "index_reader"]);
      assertError(
        await t.request("GET", "/_security/api_key?with_limited_by=yes", { auth: as("reader") }),
        400,
        "illegal_argument_exception",
        "Failed to parse value [yes] as only [true] or [false] are allowed.",
      );
    });
  });

  describe("bulk update", () => {
    it("handles duplicate, missing, foreign, invalidated and expired ids each once", async () => {
      const a = await createKey(t, "owner", { name: "bu-a" });
      const b = await createKey(t, "owner", { name: "bu-b" });
      const invalid = await createKey(t, "owner", { name: "bu-invalid" });
      const expired = await createKey(t, "owner", { name: "bu-expired", expiration: "0" });
      const foreign = await createKey(t, "other", { name: "bu-foreign" });
      await t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [invalid.id], owner: true } });
      const versionOf = async (id: string) => (await stored(id))?.version as number;
      const before = await versionOf(a.id);
      const res = await t.request("POST", "/_security/api_key/_bulk_update", {
        auth: as("owner"),
        body: { ids: [a.id, a.id, b.id, "missing-key-id", foreign.id, invalid.id, expired.id, a.id], metadata: { bulk: true } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.updated, [a.id, b.id]);
      assert.deepEqual(res.body.noops, []);
      assert.equal(await versionOf(a.id), before + 1, "a duplicate id is updated once");
      assert.equal(res.body.errors.count, 4);
      assert.deepEqual(Object.keys(res.body.errors.details).sort(), ["missing-key-id", foreign.id, invalid.id, expired.id].sort());
      assert.deepEqual(res.body.errors.details[foreign.id], {
        type: "resource_not_found_exception",
        reason: `no API key owned by requesting user found for ID [${foreign.id}]`,
      });
      assert.deepEqual(res.body.errors.details[invalid.id], {
        type: "illegal_argument_exception",
        reason: `cannot update invalidated API key [${invalid.id}]`,
      });
      assert.deepEqual(res.body.errors.details[expired.id], {
        type: "illegal_argument_exception",
        reason: `cannot update expired API key [${expired.id}]`,
      });
      const again = await t.request("POST", "/_security/api_key/_bulk_update", {
        auth: as("owner"),
        body: { ids: [b.id, a.id, b.id], metadata: { bulk: true } },
      });
      assert.deepEqual(again.body, { updated: [], noops: [b.id, a.id] });
      assert.deepEqual(
        (await t.request("GET", `/_security/api_key?id=${foreign.id}`, { auth: as("manager") })).body.api_keys[0].metadata,
        {},
        "the foreign key is untouched",
      );
    });
  });

  describe("concurrent updates of one key", () => {
    it("racing updates: the loser retries on the new version (or gets a 409), none is lost; identical ones land once", async () => {
      const key = await createKey(t, "owner", { name: "race" });
      const start = (await stored(key.id))?.version as number;
      const [x, y] = await Promise.all([
        t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { metadata: { writer: "x" } } }),
        t.request("PUT", `/_security/api_key/${key.id}`, {
          auth: as("owner"),
          body: { metadata: { writer: "y" }, role_descriptors: { r: { cluster: ["monitor"] } } },
        }),
      ]);
      // With no other load both land (the loser retries); a slow server may still make the loser
      // give up with a 409, never with a lost write.
      const landed = [x, y].filter((r) => r.status === 200 && r.body.updated === true).length;
      for (const r of [x, y])
        if (r.status !== 200)
          assertError(r, 409, "version_conflict_engine_exception", `[${key.id}]: version conflict, the API key was changed concurrently`);
      assert.ok(landed >= 1);
      const after = await stored(key.id);
      assert.equal(after?.version, start + landed, "one version per landed update");
      assert.ok([x, y].some((r, i) => r.status === 200 && after?.metadata === JSON.stringify({ writer: i === 0 ? "x" : "y" })));
      if (y.status === 200)
        assert.deepEqual(Object.keys(JSON.parse(String(after?.role_descriptors))), ["r"], "x's later write keeps y's descriptors");

      const same = await Promise.all(
        Array.from({ length: 4 }, () =>
          t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { metadata: { writer: "z" } } }),
        ),
      );
      assert.equal(same.filter((r) => r.status === 200 && r.body.updated === true).length, 1, JSON.stringify(same.map((r) => r.body)));
      for (const r of same) assert.ok(r.status === 200 || r.status === 409, JSON.stringify(r.body));
      assert.equal((await stored(key.id))?.version, start + landed + 1);
    });

    it("many racing writers: each either lands (one version each) or gets a clear 409; nothing is lost", async () => {
      const key = await createKey(t, "owner", { name: "race-many" });
      const start = (await stored(key.id))?.version as number;
      const results = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { metadata: { writer: i } } }),
        ),
      );
      const landed = results.flatMap((r, i) => (r.status === 200 && r.body.updated === true ? [i] : []));
      for (const r of results) {
        if (r.status === 200) continue;
        assertError(r, 409, "version_conflict_engine_exception", `[${key.id}]: version conflict, the API key was changed concurrently`);
      }
      assert.ok(landed.length >= 1);
      const after = await stored(key.id);
      assert.equal(after?.version, start + landed.length, "one version per landed update");
      assert.ok(
        landed.some((i) => after?.metadata === JSON.stringify({ writer: i })),
        "the stored metadata is a landed writer's",
      );
      const claims = await t.db.connection.collection("security_leases").countDocuments({ _id: { $regex: "^api_key_write/" } } as never);
      assert.equal(claims, 0, "every version claim was dropped after its write");
    });

    it("updates racing an invalidation never revive the key", async () => {
      for (let round = 0; round < 4; round++) {
        const key = await createKey(t, "owner", { name: "race-invalidate" });
        const update = (i: number) =>
          t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { metadata: { late: i } } });
        const [u1, invalidate, u2] = await Promise.all([
          update(1),
          t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [key.id], owner: true } }),
          update(2),
        ]);
        assert.deepEqual(invalidate.body.invalidated_api_keys, [key.id]);
        for (const u of [u1, u2]) {
          if (u.status !== 200) assertError(u, 400, "illegal_argument_exception", `cannot update invalidated API key [${key.id}]`);
        }
        assert.equal((await stored(key.id))?.invalidated, true, `round ${round}`);
        assertKeyRefused(
          await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
          `api key [${key.id}] has been invalidated`,
        );
      }
    });
  });

  describe("clear cache", () => {
    it("evicts the listed ids, or all with * and _all; the keys keep working", async () => {
      const keys = [
        await createKey(t, "owner", { name: "cc-1" }),
        await createKey(t, "owner", { name: "cc-2" }),
        await createKey(t, "owner", { name: "cc-3" }),
      ];
      const service = t.core.apiKeys;
      const warm = async () => {
        service.cache.clear();
        for (const key of keys)
          assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
        assert.equal(service.cache.size, 3);
      };
      let reads = 0;
      const get = service.store.get.bind(service.store);
      service.store.get = async (id: string) => {
        reads++;
        return get(id);
      };
      try {
        await warm();
        let res = await t.request("POST", `/_security/api_key/${keys[0]?.id},${keys[1]?.id},no-such-id/_clear_cache`, {
          auth: as("security"),
        });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body), ["_nodes", "cluster_name", "nodes"]);
        assert.equal(service.cache.size, 1);
        reads = 0;
        for (const key of keys)
          assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
        assert.equal(reads, 2, "the two evicted keys were read again, the third came from the cache");
        for (const ids of ["*", "_all"]) {
          await warm();
          res = await t.request("POST", `/_security/api_key/${ids}/_clear_cache`, { auth: as("security") });
          assert.equal(res.status, 200);
          assert.equal(service.cache.size, 0, ids);
        }
        assertError(
          await t.request("POST", "/_security/api_key/*/_clear_cache", { auth: as("manager") }),
          403,
          "security_exception",
          /this action is granted by the cluster privileges \[manage_security,all\]/,
        );
      } finally {
        delete (service.store as { get?: unknown }).get;
      }
    });
  });

  describe("keys this library does not create (cross-cluster, legacy without a name)", () => {
    it("Get, Query and Invalidate tolerate them; Update and REST authentication refuse them with Elasticsearch's messages", async () => {
      const now = Date.now();
      const base = (id: string, secret: string, extra: Record<string, unknown>) => ({
        _id: id,
        doc_type: "api_key",
        creation_time: now,
        expiration_time: null,
        invalidated: false,
        invalidation_time: null,
        hash: hashSsha256(secret),
        role_descriptors: "{}",
        limited_by_role_descriptors: "{}",
        metadata: "{}",
        metadata_flattened: {},
        metadata_values: [],
        creator: { principal: "owner", full_name: null, email: null, metadata: "{}", realm: "native", realm_type: "native" },
        version: 1,
        ...extra,
      });
      const crossSecret = "c".repeat(22);
      const legacySecret = "l".repeat(22);
      await collection().insertMany([
        base("crossclusterkey00001", crossSecret, { type: "cross_cluster", name: "remote" }),
        base("legacykeynoname00001", legacySecret, { name: null }),
      ] as never[]);
      const encoded = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString("base64");

      const get = await t.request("GET", "/_security/api_key?username=owner&with_limited_by=true", { auth: as("manager") });
      const cross = get.body.api_keys.find((k: { id: string }) => k.id === "crossclusterkey00001");
      const legacy = get.body.api_keys.find((k: { id: string }) => k.id === "legacykeynoname00001");
      assert.equal(cross.type, "cross_cluster");
      assert.ok(!("limited_by" in cross), "never limited_by for a cross-cluster key");
      assert.equal(legacy.name, null);
      assert.equal(legacy.type, "rest", "a document without a type is a rest key");
      const typed = await t.request("POST", "/_security/_query/api_key", {
        auth: as("manager"),
        body: { query: { term: { type: "cross_cluster" } } },
      });
      assert.deepEqual(
        typed.body.api_keys.map((k: { id: string }) => k.id),
        ["crossclusterkey00001"],
      );

      assertError(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encoded("crossclusterkey00001", crossSecret) } }),
        401,
        "security_exception",
        "authentication expected API key type of [rest], but API key [crossclusterkey00001] has type [cross_cluster]",
      );
      assert.equal(
        (await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encoded("legacykeynoname00001", legacySecret) } })).body
          .api_key.id,
        "legacykeynoname00001",
      );

      assertError(
        await t.request("PUT", "/_security/api_key/crossclusterkey00001", { auth: as("owner"), body: {} }),
        400,
        "illegal_argument_exception",
        "cannot update API key of type [cross_cluster] while expected type is [rest]",
      );
      assertError(
        await t.request("PUT", "/_security/api_key/legacykeynoname00001", { auth: as("owner"), body: {} }),
        400,
        "illegal_argument_exception",
        "cannot update legacy API key [legacykeynoname00001] without name",
      );

      let res = await t.request("DELETE", "/_security/api_key", {
        auth: as("manager"),
        body: { ids: ["crossclusterkey00001", "legacykeynoname00001"] },
      });
      assert.deepEqual(res.body, {
        invalidated_api_keys: ["legacykeynoname00001"],
        previously_invalidated_api_keys: [],
        error_count: 1,
        error_details: [
          {
            type: "illegal_argument_exception",
            reason:
              "Cannot invalidate cross-cluster API key [crossclusterkey00001]. This requires [manage_security] cluster privilege or higher",
          },
        ],
      });
      res = await t.request("DELETE", "/_security/api_key", { auth: as("security"), body: { ids: ["crossclusterkey00001"] } });
      assert.deepEqual(res.body, { invalidated_api_keys: ["crossclusterkey00001"], previously_invalidated_api_keys: [], error_count: 0 });
    });
  });

  describe("invalidate", () => {
    it("by every selector: ids (deduplicated), name exact and prefix*, realm_name, owner; expired keys too", async () => {
      const k = {
        one: await createKey(t, "victim", { name: "abc-one" }),
        two: await createKey(t, "victim", { name: "abcdef", expiration: "0" }),
        other: await createKey(t, "victim", { name: "xyz" }),
        exact: await createKey(t, "victim", { name: "abc*literal" }),
      };
      const del = async (user: "victim" | "manager", body: unknown) => {
        const res = await t.request("DELETE", "/_security/api_key", { auth: as(user), body });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.deepEqual(Object.keys(res.body), ["invalidated_api_keys", "previously_invalidated_api_keys", "error_count"]);
        return (res.body.invalidated_api_keys as string[]).sort();
      };
      assert.deepEqual(
        await del("victim", { name: "abc*", owner: true }),
        [k.one.id, k.two.id, k.exact.id].sort(),
        "a trailing * is a prefix, expired keys included",
      );
      assert.deepEqual(await del("victim", { ids: [k.other.id, k.other.id], owner: true }), [k.other.id]);
      const byRealm = await createKey(t, "victim", { name: "realm-sel" });
      assert.deepEqual(await del("manager", { realm_name: "elsewhere" }), []);
      assert.ok((await del("manager", { realm_name: "native" })).includes(byRealm.id));
      const exact = await createKey(t, "victim", { name: "exact-name" });
      const near = await createKey(t, "victim", { name: "exact-name-2" });
      assert.deepEqual(await del("manager", { name: "exact-name" }), [exact.id]);
      assert.deepEqual(await del("victim", { username: "victim", realm_name: "native" }), [near.id]);
    });

    it("repeating an invalidation whose first call died after writing evicts the caches it never reached", async () => {
      const key = await createKey(t, "victim", { name: "half-done" });
      const old = await createKey(t, "victim", { name: "long-gone" });
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
      // The first call's write landed, then its process died: no change event, a stale cache entry.
      await collection().updateOne({ _id: key.id } as never, {
        $set: { invalidated: true, invalidation_time: Date.now() },
        $inc: { version: 1 },
      });
      await collection().updateOne({ _id: old.id } as never, {
        $set: { invalidated: true, invalidation_time: Date.now() - 3_600_000 },
        $inc: { version: 1 },
      });
      assert.equal(
        (await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status,
        200,
        "served from the cache",
      );
      const events = t.db.connection.collection("security_events");
      const before = await events.countDocuments({ keys: old.id });
      const res = await t.request("DELETE", "/_security/api_key", { auth: as("victim"), body: { ids: [key.id, old.id], owner: true } });
      assert.deepEqual(
        res.body,
        { invalidated_api_keys: [], previously_invalidated_api_keys: [], error_count: 0 },
        "as in Elasticsearch, nothing is reported",
      );
      assertKeyRefused(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }),
        `api key [${key.id}] has been invalidated`,
      );
      assert.equal(await events.countDocuments({ keys: key.id }), 1, "the repeat journaled the eviction for every instance");
      assert.equal(await events.countDocuments({ keys: old.id }), before, "a key invalidated long ago is cached nowhere: no eviction");
    });

    it("name * invalidates everything the caller may reach (own keys with owner=true)", async () => {
      const mine = await createKey(t, "victim", { name: "star-mine" });
      const theirs = await createKey(t, "other", { name: "star-theirs" });
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth: as("victim"), body: { name: "*" } }),
        403,
        "security_exception",
        /is unauthorized for user \[victim\]/,
      );
      let res = await t.request("DELETE", "/_security/api_key", { auth: as("victim"), body: { name: "*", owner: true } });
      assert.deepEqual(res.body.invalidated_api_keys, [mine.id]);
      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { name: "*" } });
      assert.ok(res.body.invalidated_api_keys.includes(theirs.id));
      const left = await t.request("GET", "/_security/api_key?active_only=true", { auth: as("manager") });
      assert.deepEqual(left.body.api_keys, []);
      const count = await collection().countDocuments({ invalidated: false });
      assert.equal(count, 0);
    });
  });
});
