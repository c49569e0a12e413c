import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { as, assertError, assertKeyRefused, createFixtures, createKey, sleep } from "./api-key-fixtures.js";

describe("API keys: update, bulk update, grant", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("ak_update", { failureRateLimit: false });
    await createFixtures(t);
  });
  after(() => t.close());

  const info = async (id: string) => {
    const res = await t.request("GET", `/_security/api_key?id=${id}&with_limited_by=true`, { auth: as("reader") });
    assert.equal(res.status, 200);
    return res.body.api_keys[0];
  };
  const canRead = async (encoded: string, index: string) =>
    (
      await t.request("POST", "/_security/user/_has_privileges", {
        auth: { apiKey: encoded },
        body: { index: [{ names: [index], privileges: ["read"] }] },
      })
    ).body.index[index].read;

  describe("update", () => {
    it("replaces descriptors, metadata and expiration; a repeat is a no-op; {} descriptors and metadata clear them", async () => {
      const key = await createKey(t, "owner", {
        name: "upd",
        role_descriptors: { a: { indices: [{ names: ["index-a"], privileges: ["read"] }] } },
        metadata: { v: 1 },
      });
      assert.equal(await canRead(key.encoded, "index-a"), true);
      assert.equal(await canRead(key.encoded, "index-b"), false);

      const body = {
        role_descriptors: { b: { indices: [{ names: ["index-b"], privileges: ["read"] }] } },
        metadata: { v: 2, tags: ["x"] },
      };
      let res = await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { updated: true });
      assert.equal(await canRead(key.encoded, "index-a"), false);
      assert.equal(await canRead(key.encoded, "index-b"), true);
      let current = await info(key.id);
      assert.deepEqual(current.metadata, { v: 2, tags: ["x"] });
      assert.deepEqual(Object.keys(current.role_descriptors), ["b"]);
      assert.equal(current.expiration, undefined);

      res = await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body });
      assert.deepEqual(res.body, { updated: false });
      res = await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner") });
      assert.deepEqual(res.body, { updated: false });

      const before = Date.now();
      res = await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { expiration: "2h" } });
      assert.deepEqual(res.body, { updated: true });
      current = await info(key.id);
      assert.ok(current.expiration >= before + 7_200_000 - 1000 && current.expiration <= Date.now() + 7_200_000);
      assert.deepEqual(current.metadata, { v: 2, tags: ["x"] }, "omitted fields are kept");

      res = await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("owner"), body: { role_descriptors: {}, metadata: {} } });
      assert.deepEqual(res.body, { updated: true });
      current = await info(key.id);
      assert.deepEqual(current.role_descriptors, {});
      assert.deepEqual(current.metadata, {});
      assert.equal(await canRead(key.encoded, "index-a"), true, "inherits the owner again");

      const query = await t.request("POST", "/_security/_query/api_key", {
        auth: as("reader"),
        body: { query: { term: { "metadata.v": 2 } } },
      });
      assert.equal(query.body.total, 0, "metadata_values follow the metadata");
    });

    it("re-captures the creator fields", async () => {
      assert.equal(
        (
          await t.admin("PUT", "/_security/user/victim", {
            roles: ["own_keys"],
            full_name: "Renamed",
            email: "new@example.com",
            metadata: { tier: "gold" },
          })
        ).status,
        200,
      );
      const key = await createKey(t, "victim", { name: "creator" });
      assert.equal((await t.admin("PUT", "/_security/user/victim", { full_name: "Renamed Again" })).status, 200);
      const res = await t.request("PUT", `/_security/api_key/${key.id}`, { auth: as("victim"), body: {} });
      assert.deepEqual(res.body, { updated: true });
      const who = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: key.encoded } });
      assert.equal(who.body.full_name, "Renamed Again");
      assert.deepEqual(who.body.metadata, { tier: "gold" });
    });

    it("refuses keys of others (404), invalidated and expired keys (400), bad bodies (400)", async () => {
      const mine = await createKey(t, "owner", { name: "mine" });
      const theirs = await createKey(t, "other", { name: "theirs" });
      assertError(
        await t.request("PUT", `/_security/api_key/${theirs.id}`, { auth: as("owner"), body: {} }),
        404,
        "resource_not_found_exception",
        `no API key owned by requesting user found for ID [${theirs.id}]`,
      );
      assertError(
        await t.request("PUT", "/_security/api_key/nonexistent", { auth: as("owner"), body: {} }),
        404,
        "resource_not_found_exception",
        "no API key owned by requesting user found for ID [nonexistent]",
      );

      const expiring = await createKey(t, "owner", { name: "expiring", expiration: "1s" });
      await t.request("DELETE", "/_security/api_key", { auth: as("owner"), body: { ids: [mine.id], owner: true } });
      assertError(
        await t.request("PUT", `/_security/api_key/${mine.id}`, { auth: as("owner"), body: {} }),
        400,
        "illegal_argument_exception",
        `cannot update invalidated API key [${mine.id}]`,
      );
      await sleep(Math.max(0, (expiring.expiration as number) - Date.now()) + 20);
      assertError(
        await t.request("PUT", `/_security/api_key/${expiring.id}`, { auth: as("owner"), body: {} }),
        400,
        "illegal_argument_exception",
        `cannot update expired API key [${expiring.id}]`,
      );

      const live = await createKey(t, "owner", { name: "live" });
      assertError(
        await t.request("PUT", `/_security/api_key/${live.id}`, { auth: as("owner"), body: { name: "rename" } }),
        400,
        "x_content_parse_exception",
        "[update_api_key_request_payload] unknown field [name]",
      );
      assertError(
        await t.request("PUT", `/_security/api_key/${live.id}`, { auth: as("owner"), body: { metadata: { _x: 1 } } }),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: API key metadata keys may not start with [_];",
      );
      assertError(
        await t.request("PUT", `/_security/api_key/${live.id}`, {
          auth: as("owner"),
          body: { role_descriptors: { r: { cluster: ["nope"] } } },
        }),
        400,
        "action_request_validation_exception",
        /unknown cluster privilege \[nope\]/,
      );
      assertError(
        await t.request("PUT", `/_security/api_key/${live.id}`, { auth: as("owner"), body: { expiration: "soon" } }),
        400,
        "illegal_argument_exception",
        "failed to parse setting [expiration] with value [soon] as a time value: unit is missing or unrecognized",
      );
      assert.equal((await info(live.id)).version, undefined, "the stored document is not exposed");
    });
  });

  describe("bulk update", () => {
    it("reports updated, noops and per-key errors; errors is absent when there are none", async () => {
      const a = await createKey(t, "owner", { name: "bulk-a", metadata: { k: "same" } });
      const b = await createKey(t, "owner", { name: "bulk-b" });
      const theirs = await createKey(t, "other", { name: "bulk-theirs" });
      let res = await t.request("POST", "/_security/api_key/_bulk_update", {
        auth: as("owner"),
        body: { ids: [a.id, b.id], metadata: { k: "same" } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body, { updated: [b.id], noops: [a.id] });

      res = await t.request("POST", "/_security/api_key/_bulk_update", {
        auth: as("owner"),
        body: { ids: [a.id, theirs.id, "missing-id"], role_descriptors: { r: { cluster: ["monitor"] } } },
      });
      assert.deepEqual(res.body.updated, [a.id]);
      assert.deepEqual(res.body.noops, []);
      assert.equal(res.body.errors.count, 2);
      assert.deepEqual(res.body.errors.details[theirs.id], {
        type: "resource_not_found_exception",
        reason: `no API key owned by requesting user found for ID [${theirs.id}]`,
      });
      assert.deepEqual(res.body.errors.details["missing-id"], {
        type: "resource_not_found_exception",
        reason: "no API key owned by requesting user found for ID [missing-id]",
      });

      res = await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("owner"), body: { ids: a.id } });
      assert.deepEqual(res.body, { updated: [], noops: [a.id] });
    });

    it("validates the body", async () => {
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("owner"), body: { ids: [] } }),
        400,
        "action_request_validation_exception",
        "Validation Failed: 1: Field [ids] cannot be empty;",
      );
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("owner"), body: {} }),
        400,
        "x_content_parse_exception",
        /Required \[ids\]/,
      );
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("owner"), body: { ids: [1] } }),
        400,
        "x_content_parse_exception",
        /ids/,
      );
      assertError(
        await t.request("POST", "/_security/api_key/_bulk_update", { auth: as("owner"), body: { ids: ["a"], foo: 1 } }),
        400,
        "x_content_parse_exception",
        /unknown field \[foo\]/,
      );
    });
  });

  describe("grant", () => {
    it("creates a key owned by the granted user, limited by that user's roles, not the caller's", async () => {
      const res = await t.request("POST", "/_security/api_key/grant?refresh=true", {
        auth: as("granter"),
        body: {
          grant_type: "password",
          username: "owner",
          password: "owner-pass",
          api_key: { name: "for-owner", expiration: "1h", metadata: { via: "grant" } },
        },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body), ["id", "name", "expiration", "api_key", "encoded"]);
      const who = await t.request("GET", "/_security/_authenticate", { auth: { apiKey: res.body.encoded } });
      assert.equal(who.body.username, "owner");
      assert.equal(who.body.authentication_type, "api_key");
      const details = await info(res.body.id);
      assert.equal(details.username, "owner");
      assert.equal(details.realm, "native");
      assert.deepEqual(Object.keys(details.limited_by[0]), ["own_keys", "index_reader"]);
      assert.equal(await canRead(res.body.encoded, "index-a"), true);
    });

    it("supports run_as: the owner is the run-as target", async () => {
      let res = await t.request("POST", "/_security/api_key/grant", {
        auth: as("manager"),
        body: { grant_type: "password", username: "imp", password: "imp-pass", run_as: "plain", api_key: { name: "as-plain" } },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: res.body.encoded } })).body.username, "plain");
      res = await t.request("POST", "/_security/api_key/grant", {
        auth: as("manager"),
        body: { grant_type: "password", username: "imp", password: "imp-pass", run_as: "reader", api_key: { name: "as-reader" } },
      });
      assertError(
        res,
        403,
        "security_exception",
        "action [cluster:admin/xpack/security/user/authenticate] is unauthorized for user [imp] with effective roles [impersonator], because user [imp] is unauthorized to run as [reader]",
      );
    });

    it("refuses bad grant credentials with 401 and bad bodies with Elasticsearch's messages", async () => {
      assertError(
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("granter"),
          body: { grant_type: "password", username: "owner", password: "wrong", api_key: { name: "k" } },
        }),
        401,
        "security_exception",
        "unable to authenticate user [owner] for action [cluster:admin/xpack/security/api_key/grant]",
      );
      const cases: Array<[unknown, string]> = [
        [{ api_key: { name: "k" } }, "Validation Failed: 1: [grant_type] is required;"],
        [
          { grant_type: "password", username: "u", api_key: { name: "k" } },
          "Validation Failed: 1: [password] is required for grant_type [password];",
        ],
        [
          { grant_type: "password", username: "u", password: "p", access_token: "t", api_key: { name: "k" } },
          "Validation Failed: 1: [access_token] is not supported for grant_type [password];",
        ],
        [
          { grant_type: "access_token", username: "u", api_key: { name: "k" } },
          "Validation Failed: 1: [access_token] is required for grant_type [access_token];2: [username] is not supported for grant_type [access_token];",
        ],
        [{ grant_type: "magic", api_key: { name: "k" } }, "Validation Failed: 1: grant_type [magic] is not supported;"],
        [{ grant_type: "password", username: "u", password: "p" }, "Validation Failed: 1: api key name is required;"],
        [
          {
            grant_type: "password",
            username: "u",
            password: "p",
            client_authentication: { scheme: "SharedSecret", value: "s" },
            api_key: { name: "k" },
          },
          "Validation Failed: 1: [client_authentication] is not supported for grant_type [password];",
        ],
        [
          { grant_type: "password", password: "p", api_key: { name: "_k" } },
          "Validation Failed: 1: api key name may not begin with an underscore;2: [username] is required for grant_type [password];",
        ],
      ];
      for (const [body, reason] of cases) {
        assertError(
          await t.request("POST", "/_security/api_key/grant", { auth: as("granter"), body }),
          400,
          "action_request_validation_exception",
          reason,
        );
      }
      // access_token is the token service's (wired in SecurityCore): a bad token is the generic 401,
      // and client_authentication is for JWTs only, which this library does not issue.
      assertError(
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("granter"),
          body: { grant_type: "access_token", access_token: "abc", api_key: { name: "by-bad-token" } },
        }),
        401,
        "security_exception",
        "unable to authenticate with provided credentials and anonymous access is not allowed for this request",
      );
      assertError(
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("granter"),
          body: {
            grant_type: "access_token",
            access_token: "abc",
            client_authentication: { scheme: "SharedSecret", value: "s" },
            api_key: { name: "by-bad-token" },
          },
        }),
        400,
        "illegal_argument_exception",
        "[client_authentication] not supported with the supplied access_token type",
      );
      assert.equal(
        (await t.request("POST", "/_security/_query/api_key", { auth: as("reader"), body: { query: { term: { name: "by-bad-token" } } } }))
          .body.total,
        0,
      );
      assertError(
        await t.request("POST", "/_security/api_key/grant", {
          auth: as("granter"),
          body: { grant_type: "password", username: "u", password: "p", api_key: { name: "k" }, other: 1 },
        }),
        400,
        "x_content_parse_exception",
        "[grant_api_key_request] unknown field [other]",
      );
    });

    it("run_as with credentials that cannot run as is a 400", async () => {
      const noRunAs = await startTestApp("ak_grant_norunas", { failureRateLimit: false, runAs: false });
      try {
        await createFixtures(noRunAs);
        assertError(
          await noRunAs.request("POST", "/_security/api_key/grant", {
            auth: as("manager"),
            body: { grant_type: "password", username: "imp", password: "imp-pass", run_as: "plain", api_key: { name: "k" } },
          }),
          400,
          "status_exception",
          "the provided grant credentials do not support run-as",
        );
      } finally {
        await noRunAs.close();
      }
    });

    it("granted keys are invalidated like any other", async () => {
      const res = await t.request("POST", "/_security/api_key/grant", {
        auth: as("granter"),
        body: { grant_type: "password", username: "plain", password: "plain-pass", api_key: { name: "tmp" } },
      });
      const inv = await t.request("DELETE", "/_security/api_key", { auth: as("manager"), body: { ids: [res.body.id] } });
      assert.deepEqual(inv.body.invalidated_api_keys, [res.body.id]);
      assertKeyRefused(
        await t.request("GET", "/_security/_authenticate", { auth: { apiKey: res.body.encoded } }),
        `api key [${res.body.id}] has been invalidated`,
      );
    });
  });
});
