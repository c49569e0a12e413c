import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import express from "express";
import { basic, startTestApp, type HttpResult, type TestApp } from "../../support/test-app.js";
import { as, assertError, assertKeyRefused, createFixtures, createKey, sleep } from "./api-key-fixtures.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";

const URL_SAFE = /^[A-Za-z0-9_-]+$/;

describe("API keys: create, get, authenticate, invalidate", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("ak_basic", { failureRateLimit: false });
    await createFixtures(t);
  });
  after(() => t.close());

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(t.security.router());
  });

  describe("create", () => {
    it("returns id, name, api_key, encoded (and expiration when set); the secret works once stored as a hash", async () => {
      const before = Date.now();
      const res = await t.request("POST", "/_security/api_key", {
        auth: as("owner"),
        body: {
          name: "my-key",
          expiration: "1d",
          role_descriptors: {
            "role.a": { cluster: ["all"], index: [{ names: "index-a", privileges: ["read"] }] },
            role_b: { cluster: ["manage_own_api_key"] },
          },
          metadata: { application: "app", env: { level: 1, tags: ["dev", "prod"], trusted: true } },
        },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const key = res.body;
      assert.deepEqual(Object.keys(key), ["id", "name", "expiration", "api_key", "encoded"]);
      assert.equal(key.id.length, 20);
      assert.match(key.id, URL_SAFE);
      // `kg_` + 22 random base62 + 6 checksum characters (see secret-checksum.test.ts).
      assert.match(key.api_key, /^kg_[0-9A-Za-z]{28}$/);
      assert.equal(key.encoded, Buffer.from(`${key.id}:${key.api_key}`).toString("base64"));
      assert.ok(key.expiration >= before + 86_400_000 && key.expiration <= Date.now() + 86_400_000);
      assert.equal((key.expiration - before) % 1000 <= Date.now() - before, true);

      const stored = await t.db.connection.collection("security_api_keys").findOne({ _id: key.id } as never);
      assert.ok(stored);
      assert.match(String(stored.hash), /^\{SSHA256\}/);
      assert.ok(!JSON.stringify(stored).includes(key.api_key), "the secret is never stored");
      assert.deepEqual(stored.metadata_values?.sort(), ["1", "app", "dev", "prod", "true"]);

      const auth = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } });
      assert.equal(auth.status, 200);
      assert.deepEqual(auth.body, {
        username: "owner",
        roles: [],
        full_name: "owner full",
        email: "owner@example.com",
        metadata: { tier: "owner" },
        enabled: true,
        authentication_realm: { name: "_es_api_key", type: "_es_api_key" },
        lookup_realm: { name: "_es_api_key", type: "_es_api_key" },
        authentication_type: "api_key",
        api_key: { id: key.id, name: "my-key" },
      });
    });

    it("omits expiration when none was given, and PUT works like POST", async () => {
      const res = await t.request("PUT", "/_security/api_key?refresh=wait_for", { auth: as("owner"), body: { name: "no-expiry" } });
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.body), ["id", "name", "api_key", "encoded"]);
    });

    it("names are not unique", async () => {
      const a = await createKey(t, "owner", { name: "same" });
      const b = await createKey(t, "owner", { name: "same" });
      assert.notEqual(a.id, b.id);
    });

    it("validates the name and metadata with Elasticsearch's messages", async () => {
      const cases: Array<[unknown, string]> = [
        [{}, "Validation Failed: 1: api key name is required;"],
        [{ name: "" }, "Validation Failed: 1: api key name is required;"],
        [{ name: "x".repeat(257) }, "Validation Failed: 1: api key name may not be more than 256 characters long;"],
        [{ name: " padded" }, "Validation Failed: 1: api key name may not begin or end with whitespace;"],
        [{ name: "_hidden" }, "Validation Failed: 1: api key name may not begin with an underscore;"],
        [{ name: "ok", metadata: { _reserved: 1 } }, "Validation Failed: 1: API key metadata keys may not start with [_];"],
        [
          { name: "_x ", metadata: { _r: 1 } },
          "Validation Failed: 1: api key name may not begin or end with whitespace;2: api key name may not begin with an underscore;3: API key metadata keys may not start with [_];",
        ],
      ];
      for (const [body, reason] of cases) {
        assertError(
          await t.request("POST", "/_security/api_key", { auth: as("owner"), body }),
          400,
          "action_request_validation_exception",
          reason,
        );
      }
      assert.equal((await createKey(t, "owner", { name: "x".repeat(256) })).name.length, 256);
    });

    it("refuses bad durations, bad descriptors, operator keys and unknown fields with 400, writing nothing", async () => {
      const count = async () => t.db.connection.collection("security_api_keys").countDocuments();
      const before = await count();
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", expiration: "1w" } }),
        400,
        "illegal_argument_exception",
        "failed to parse setting [expiration] with value [1w] as a time value: unit is missing or unrecognized",
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", expiration: "-5s" } }),
        400,
        "illegal_argument_exception",
        /negative durations are not supported/,
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", expiration: 5 } }),
        400,
        "x_content_parse_exception",
        "[api_key_request] expiration doesn't support values of type: VALUE_NUMBER",
      );
      assertError(
        await t.request("POST", "/_security/api_key", {
          auth: as("owner"),
          body: { name: "k", role_descriptors: { r: { cluster: ["bogus"] } } },
        }),
        400,
        "action_request_validation_exception",
        /^Validation Failed: 1: unknown cluster privilege \[bogus\]/,
      );
      assertError(
        await t.request("POST", "/_security/api_key", {
          auth: as("owner"),
          body: { name: "k", role_descriptors: { r: { cluster: "all" } } },
        }),
        400,
        "parse_exception",
        /failed to parse role \[r\]/,
      );
      assertError(
        await t.request("POST", "/_security/api_key", {
          auth: as("owner"),
          body: { name: "k", role_descriptors: { r: {}, s: { restriction: { workflows: ["search_application_query"] } } } },
        }),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: combining role descriptors with and without restriction is not supported;",
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", metadata: { a: { $where: "1" } } } }),
        400,
        "parse_exception",
        "[metadata] may not contain the key [$where]",
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", metadata: { "a.$b": 1 } } }),
        400,
        "parse_exception",
        "[metadata] may not contain the key [a.$b]",
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", metadata: "x" } }),
        400,
        "x_content_parse_exception",
        /metadata/,
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: "k", bogus: 1 } }),
        400,
        "x_content_parse_exception",
        "[api_key_request] unknown field [bogus]",
      );
      assertError(
        await t.request("POST", "/_security/api_key", { auth: as("owner"), body: { name: 5 } }),
        400,
        "x_content_parse_exception",
        /name/,
      );
      assertError(await t.request("POST", "/_security/api_key", { auth: as("owner") }), 400, "parse_exception", "request body is required");
      assertError(
        await t.request("POST", "/_security/api_key", {
          auth: as("owner"),
          rawBody: "{oops",
          headers: { "content-type": "application/json" },
        }),
        400,
        "x_content_parse_exception",
        /JSON/,
      );
      assertError(
        await t.request("POST", "/_security/api_key?refresh=soon", { auth: as("owner"), body: { name: "k" } }),
        400,
        "illegal_argument_exception",
        "Unknown value for refresh: [soon].",
      );
      assert.equal(await count(), before);
    });

    it("stores descriptors normalized and returns them (index → indices, names as arrays, defaults)", async () => {
      const key = await createKey(t, "owner", {
        name: "normalized",
        role_descriptors: { "role.a": { index: [{ names: "index-a", privileges: ["read"] }] } },
      });
      const res = await t.request("GET", `/_security/api_key?id=${key.id}&owner=true&with_limited_by=true`, { auth: as("owner") });
      assert.equal(res.status, 200);
      const info = res.body.api_keys[0];
      assert.deepEqual(Object.keys(info), [
        "id",
        "name",
        "type",
        "creation",
        "invalidated",
        "username",
        "realm",
        "realm_type",
        "metadata",
        "role_descriptors",
        "limited_by",
      ]);
      assert.deepEqual(info.role_descriptors, {
        "role.a": {
          cluster: [],
          indices: [{ names: ["index-a"], privileges: ["read"], allow_restricted_indices: false }],
          applications: [],
          run_as: [],
          metadata: {},
          transient_metadata: { enabled: true },
        },
      });
      assert.ok(Array.isArray(info.limited_by) && info.limited_by.length === 1);
      assert.deepEqual(Object.keys(info.limited_by[0]), ["own_keys", "index_reader"]);
      assert.deepEqual(info.limited_by[0].own_keys, {
        cluster: ["manage_own_api_key"],
        indices: [],
        applications: [],
        run_as: [],
        metadata: {},
        transient_metadata: { enabled: true },
      });
      assert.equal(info.type, "rest");
      assert.equal(info.username, "owner");
      assert.equal(info.realm, "native");
      assert.equal(info.realm_type, "native");
    });
  });

  describe("behind the host app's own JSON parser", () => {
    // Express 4's parser leaves `req.body = {}` on a request without a body; the answer must still
    // be Elasticsearch's for a missing body, as on Express 5.
    let server: Server;
    let baseUrl: string;
    before(async () => {
      const app = express();
      app.use(express.json());
      app.use(t.security.authenticate());
      app.use(t.security.router());
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it("tells a request without a body from an empty object", async () => {
      const { user, password } = as("owner");
      const call = async (method: string, init: { body?: string; type?: string } = {}): Promise<HttpResult> => {
        const headers: Record<string, string> = { authorization: basic(user, password) };
        if (init.type) headers["content-type"] = init.type;
        const res = await fetch(`${baseUrl}/_security/api_key`, {
          method,
          headers,
          ...(init.body !== undefined ? { body: init.body } : {}),
        });
        return { status: res.status, headers: res.headers, body: await res.json() };
      };
      assertError(await call("POST"), 400, "parse_exception", "request body is required");
      assertError(
        await call("POST", { body: "name=k", type: "application/x-www-form-urlencoded" }),
        400,
        "parse_exception",
        "request body is required",
      );
      assertError(
        await call("POST", { body: "{}", type: "application/json" }),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: api key name is required;",
      );
      assertError(await call("DELETE"), 400, "parse_exception", "request body is required");
      const created = await call("POST", { body: JSON.stringify({ name: "behind-host-parser" }), type: "application/json" });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      assert.equal(created.body.name, "behind-host-parser");
    });
  });

  describe("authentication with a key", () => {
    it("refuses unknown ids, wrong secrets and malformed values with the generic 401 and the reason", async () => {
      const key = await createKey(t, "owner", { name: "auth-checks" });
      const encode = (value: string) => Buffer.from(value).toString("base64");
      assertKeyRefused(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(`nosuchkeyid123456789:${key.api_key}`) } }),
        "unable to find apikey with id nosuchkeyid123456789",
      );
      assertKeyRefused(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(`${key.id}:wrong-secret-wrong-sec`) } }),
        `invalid credentials for API key [${key.id}]`,
      );
      assertKeyRefused(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: encode(`${key.id}${key.api_key}`) } }),
        "invalid ApiKey value",
      );
      assertKeyRefused(await t.request("GET", "/_security/_authenticate", { auth: "ApiKey ###" }), "invalid ApiKey value");
      // The right secret still works after wrong ones (a failure is never cached as success, nor the reverse).
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: "apikey " + key.encoded })).status, 200);
      // Truncated rather than altered: an altered secret would fail its checksum before the cache.
      const wrongAfter = await t.request("GET", "/_security/_authenticate", {
        auth: { apiKey: encode(`${key.id}:${key.api_key.slice(0, -1)}`) },
      });
      assertKeyRefused(wrongAfter, `invalid credentials for API key [${key.id}]`);
      assert.deepEqual(wrongAfter.body.error.header["WWW-Authenticate"], [
        'Basic realm="security", charset="UTF-8"',
        'Bearer realm="security"',
        "ApiKey",
      ]);
    });

    it("expires keys: an expired key is refused with 'api key is expired'", async () => {
      const key = await createKey(t, "owner", { name: "short", expiration: "1s" });
      assert.ok(key.expiration !== undefined);
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } })).status, 200);
      await sleep(Math.max(0, key.expiration - Date.now()) + 50);
      assertKeyRefused(await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } }), "api key is expired");
      // Sub-second expirations truncate to whole seconds: "900ms" expires at creation.
      const instant = await createKey(t, "owner", { name: "instant", expiration: "900ms" });
      assertKeyRefused(await t.request("GET", "/_security/_authenticate", { auth: { apiKey: instant.encoded } }), "api key is expired");
    });
  });

  describe("get", () => {
    let alpha: string;
    let beta: string;
    let invalidated: string;
    before(async () => {
      alpha = (await createKey(t, "other", { name: "alpha-1", metadata: { m: 1 } })).id;
      beta = (await createKey(t, "other", { name: "beta-1" })).id;
      invalidated = (await createKey(t, "other", { name: "alpha-2" })).id;
      const res = await t.request("DELETE", "/_security/api_key", { auth: as("other"), body: { ids: [invalidated], owner: true } });
      assert.deepEqual(res.body.invalidated_api_keys, [invalidated]);
    });

    it("filters by id, name (exact, prefix*, *), username, realm_name, owner and active_only", async () => {
      const ids = async (query: string) => {
        const res = await t.request("GET", `/_security/api_key${query}`, { auth: as("manager") });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return (res.body.api_keys as Array<{ id: string }>).map((k) => k.id);
      };
      assert.deepEqual(await ids(`?id=${alpha}`), [alpha]);
      assert.deepEqual(await ids("?name=alpha-1"), [alpha]);
      assert.deepEqual((await ids("?name=alpha*")).sort(), [alpha, invalidated].sort());
      assert.ok((await ids("?name=*")).includes(beta));
      assert.deepEqual((await ids("?username=other")).sort(), [alpha, beta, invalidated].sort());
      assert.deepEqual((await ids("?username=other&realm_name=native")).sort(), [alpha, beta, invalidated].sort());
      assert.deepEqual(await ids("?username=other&realm_name=elsewhere"), []);
      assert.deepEqual((await ids("?username=other&active_only=true")).sort(), [alpha, beta].sort());
      assert.deepEqual(await ids("?id=doesnotexist"), []);
      const all = await ids("");
      assert.ok(all.includes(alpha) && all.includes(beta) && all.includes(invalidated));
    });

    it("shows invalidation and expiration times", async () => {
      const res = await t.request("GET", `/_security/api_key?id=${invalidated}&owner=true`, { auth: as("other") });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const info = res.body.api_keys[0];
      assert.equal(info.invalidated, true);
      assert.equal(typeof info.invalidation, "number");
      assert.deepEqual(Object.keys(info).slice(0, 6), ["id", "name", "type", "creation", "invalidated", "invalidation"]);
    });

    it("validates parameter combinations with Elasticsearch's messages", async () => {
      const cases: Array<[string, string]> = [
        [
          "?id=a&username=u",
          "Validation Failed: 1: username or realm name must not be specified when the api key id or api key name is specified;",
        ],
        [
          "?name=a&realm_name=r",
          "Validation Failed: 1: username or realm name must not be specified when the api key id or api key name is specified;",
        ],
        ["?id=a&name=b", "Validation Failed: 1: only one of [api key id, api key name] can be specified;"],
        [
          "?owner=true&username=u",
          "Validation Failed: 1: neither username nor realm-name may be specified when retrieving owned API keys;",
        ],
        [
          "?id=a&owner=true&realm_name=r",
          "Validation Failed: 1: username or realm name must not be specified when the api key id or api key name is specified;2: neither username nor realm-name may be specified when retrieving owned API keys;",
        ],
      ];
      for (const [query, reason] of cases) {
        assertError(
          await t.request("GET", `/_security/api_key${query}`, { auth: as("manager") }),
          400,
          "action_request_validation_exception",
          reason,
        );
      }
      assertError(
        await t.request("GET", "/_security/api_key?owner=maybe", { auth: as("manager") }),
        400,
        "illegal_argument_exception",
        "Failed to parse value [maybe] as only [true] or [false] are allowed.",
      );
      assertError(
        await t.request("GET", "/_security/api_key?bogus=1", { auth: as("manager") }),
        400,
        "illegal_argument_exception",
        "request [/_security/api_key] contains unrecognized parameter: [bogus]",
      );
    });

    it("reads query parameters as plain name=value pairs, whichever Express parses the app's query", async () => {
      // Express 4's default parser would nest these under `owner` and `id`; Elasticsearch sees the names as written.
      const unknown = async (query: string, name: string) =>
        assertError(
          await t.request("GET", `/_security/api_key${query}`, { auth: as("manager") }),
          400,
          "illegal_argument_exception",
          `request [/_security/api_key] contains unrecognized parameter: [${name}]`,
        );
      await unknown("?owner[x]=true", "owner[x]");
      await unknown("?id[]=a", "id[]");
      await unknown("?name.first=a", "name.first");
      assertError(
        await t.request("GET", `/_security/api_key?id=${alpha}&id=${beta}`, { auth: as("manager") }),
        400,
        "illegal_argument_exception",
        "request [/_security/api_key] parameter [id] must be given once, as a plain value",
      );
      const literal = await t.request("GET", "/_security/api_key?name=alpha-1[0]", { auth: as("manager") });
      assert.equal(literal.status, 200, JSON.stringify(literal.body));
      assert.deepEqual(literal.body.api_keys, []);
    });
  });

  describe("invalidate", () => {
    it("invalidates by ids, id, name, username, realm_name; repeats return empty arrays; the key stops working at once", async () => {
      const k1 = await createKey(t, "victim", { name: "inv-1" });
      const k2 = await createKey(t, "victim", { name: "inv-2" });
      const k3 = await createKey(t, "victim", { name: "inv-prefix-3" });
      const k4 = await createKey(t, "victim", { name: "inv-prefix-4" });
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: k1.encoded } })).status, 200);

      let res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { ids: [k1.id, "unknownid"] } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { invalidated_api_keys: [k1.id], previously_invalidated_api_keys: [], error_count: 0 });
      assertKeyRefused(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: k1.encoded } }),
        `api key [${k1.id}] has been invalidated`,
      );

      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { ids: [k1.id] } });
      assert.deepEqual(res.body, { invalidated_api_keys: [], previously_invalidated_api_keys: [], error_count: 0 });

      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { id: k2.id } });
      assert.deepEqual(res.body.invalidated_api_keys, [k2.id]);

      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { name: "inv-prefix*" } });
      assert.deepEqual(res.body.invalidated_api_keys.sort(), [k3.id, k4.id].sort());

      const k5 = await createKey(t, "victim", { name: "inv-5" });
      const k6 = await createKey(t, "victim", { name: "inv-6" });
      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { username: "victim" } });
      assert.deepEqual(res.body.invalidated_api_keys.sort(), [k5.id, k6.id].sort());
      const k7 = await createKey(t, "victim", { name: "inv-7" });
      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { realm_name: "native", username: "victim" } });
      assert.deepEqual(res.body.invalidated_api_keys, [k7.id]);
      res = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { name: "no-such-key" } });
      assert.deepEqual(res.body, { invalidated_api_keys: [], previously_invalidated_api_keys: [], error_count: 0 });
    });

    it("validates the body with Elasticsearch's messages", async () => {
      const cases: Array<[unknown, string, string]> = [
        [
          {},
          "action_request_validation_exception",
          "Validation Failed: 1: One of [api key id(s), api key name, username, realm name] must be specified if [owner] flag is false;",
        ],
        [
          { ids: ["a"], username: "u" },
          "action_request_validation_exception",
          "Validation Failed: 1: username or realm name must not be specified when the api key id(s) or api key name is specified;",
        ],
        [
          { ids: ["a"], name: "n" },
          "action_request_validation_exception",
          "Validation Failed: 1: only one of [api key id(s), api key name] can be specified;",
        ],
        [
          { owner: true, realm_name: "r" },
          "action_request_validation_exception",
          "Validation Failed: 1: neither username nor realm-name may be specified when invalidating owned API keys;",
        ],
        [{ ids: [] }, "action_request_validation_exception", "Validation Failed: 1: Field [ids] cannot be an empty array;"],
        [
          { ids: ["a", " "] },
          "action_request_validation_exception",
          "Validation Failed: 1: Field [ids] must not contain blank id, but got blank id at index position: [1];",
        ],
        [{ id: "a", ids: ["b"] }, "illegal_argument_exception", "Must use either [id] or [ids], not both at the same time"],
        [{ ids: [{ $ne: 1 }] }, "x_content_parse_exception", /ids/ as unknown as string],
        [{ bogus: 1 }, "x_content_parse_exception", "[invalidate_api_key] unknown field [bogus]"],
      ];
      for (const [body, type, reason] of cases) {
        assertError(await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body }), 400, type, reason);
      }
      assertError(
        await t.request("DELETE", "/_security/api_key", { auth: as("manager") }),
        400,
        "parse_exception",
        "request body is required",
      );
    });
  });
});

describe("API keys disabled (apiKeys.enabled: false)", () => {
  it("refuses the endpoints with 400 and ApiKey credentials with the generic 401", async () => {
    const t = await startTestApp("ak_disabled", { failureRateLimit: false, apiKeys: { enabled: false } });
    try {
      const res = await t.admin("POST", "/_security/api_key", { name: "k" });
      assertError(res, 400, "feature_not_enabled_exception", "api keys are not enabled");
      assertError(await t.admin("GET", "/_security/api_key"), 400, "feature_not_enabled_exception", "api keys are not enabled");
      const key = Buffer.from("abcdefghijabcdefghij:" + "s".repeat(22)).toString("base64");
      assertKeyRefused(await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key } }), "api keys are not enabled");
    } finally {
      await t.close();
    }
  });
});
