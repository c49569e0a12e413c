import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { ADMIN_PASSWORD, startTestApp, type TestApp } from "../../support/test-app.js";
import { createFixtures } from "./api-key-fixtures.js";

describe("API keys through the official Elasticsearch client (unchanged)", () => {
  let t: TestApp;
  let admin: Client;
  let owner: Client;
  const clients: Client[] = [];
  const client = (auth: ConstructorParameters<typeof Client>[0]["auth"]) => {
    const c = new Client({ node: t.baseUrl, auth });
    clients.push(c);
    return c;
  };

  before(async () => {
    t = await startTestApp("ak_esclient", { failureRateLimit: false });
    await createFixtures(t);
    admin = client({ username: "elastic", password: ADMIN_PASSWORD });
    owner = client({ username: "owner", password: "owner-pass" });
  });
  after(async () => {
    for (const c of clients) await c.close();
    await t.close();
  });

  it("createApiKey, authenticate with it, hasPrivileges", async () => {
    const created = await owner.security.createApiKey({
      name: "client-key",
      expiration: "1d",
      role_descriptors: { reader: { indices: [{ names: ["index-a"], privileges: ["read"] }] } },
      metadata: { source: "es-client" },
    });
    assert.equal(created.name, "client-key");
    assert.equal(created.id.length, 20);
    assert.equal(typeof created.expiration, "number");
    assert.equal(created.encoded, Buffer.from(`${created.id}:${created.api_key}`).toString("base64"));

    for (const auth of [{ apiKey: created.encoded }, { apiKey: { id: created.id, api_key: created.api_key } }]) {
      const asKey = client(auth);
      const me = await asKey.security.authenticate();
      assert.equal(me.username, "owner");
      assert.equal(me.authentication_type, "api_key");
      assert.deepEqual(me.api_key, { id: created.id, name: "client-key" });
      const has = await asKey.security.hasPrivileges({
        index: [{ names: ["index-a", "index-b"], privileges: ["read"] }],
        cluster: ["monitor"],
      });
      assert.equal(has.username, "owner");
      assert.deepEqual(has.index, { "index-a": { read: true }, "index-b": { read: false } });
      assert.deepEqual(has.cluster, { monitor: false });
    }
  });

  it("getApiKey, queryApiKeys, updateApiKey, bulkUpdateApiKeys", async () => {
    const k1 = await owner.security.createApiKey({ name: "cq-1" });
    const k2 = await owner.security.createApiKey({ name: "cq-2" });

    const got = await owner.security.getApiKey({ id: k1.id, owner: true, with_limited_by: true });
    assert.equal(got.api_keys.length, 1);
    assert.equal(got.api_keys[0]?.name, "cq-1");
    assert.equal(got.api_keys[0]?.username, "owner");
    assert.ok(got.api_keys[0]?.limited_by);
    const all = await admin.security.getApiKey({ username: "owner" });
    assert.ok(all.api_keys.length >= 3);

    const queried = await owner.security.queryApiKeys({ query: { prefix: { name: "cq-" } }, sort: [{ name: { order: "asc" } }], size: 10 });
    assert.deepEqual(
      queried.api_keys.map((k) => k.name),
      ["cq-1", "cq-2"],
    );
    assert.equal(queried.total, 2);
    const aggs = await admin.security.queryApiKeys({ size: 0, aggs: { names: { terms: { field: "name" } } } });
    assert.ok(aggs.aggregations);

    const updated = await owner.security.updateApiKey({ id: k1.id, metadata: { v: 2 } });
    assert.deepEqual(updated, { updated: true });
    const noop = await owner.security.updateApiKey({ id: k1.id, metadata: { v: 2 } });
    assert.deepEqual(noop, { updated: false });

    const bulk = await owner.security.bulkUpdateApiKeys({ ids: [k1.id, k2.id], metadata: { v: 2 } });
    assert.deepEqual(bulk.updated, [k2.id]);
    assert.deepEqual(bulk.noops, [k1.id]);
    assert.equal(bulk.errors, undefined);
  });

  it("grantApiKey, invalidateApiKey, clearApiKeyCache", async () => {
    const granter = client({ username: "granter", password: "granter-pass" });
    const granted = await granter.security.grantApiKey({
      grant_type: "password",
      username: "plain",
      password: "plain-pass",
      api_key: { name: "granted-by-client" },
    });
    assert.equal(granted.name, "granted-by-client");
    const asGranted = client({ apiKey: granted.encoded });
    assert.equal((await asGranted.security.authenticate()).username, "plain");

    const cleared = await admin.security.clearApiKeyCache({ ids: granted.id });
    assert.deepEqual(cleared._nodes, { total: 1, successful: 1, failed: 0 });
    const clearedAll = await admin.security.clearApiKeyCache({ ids: "*" });
    assert.equal(Object.keys(clearedAll.nodes).length, 1);

    const invalidated = await admin.security.invalidateApiKey({ ids: [granted.id] });
    assert.deepEqual(invalidated.invalidated_api_keys, [granted.id]);
    assert.equal(invalidated.error_count, 0);
    await assert.rejects(asGranted.security.authenticate(), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 401);
      assert.equal(error.body.error.additional_unsuccessful_credentials, `API key: api key [${granted.id}] has been invalidated`);
      return true;
    });

    const mine = await owner.security.createApiKey({ name: "to-invalidate" });
    const byOwner = await owner.security.invalidateApiKey({ owner: true, name: "to-invalidate" });
    assert.deepEqual(byOwner.invalidated_api_keys, [mine.id]);
  });

  it("surfaces 403 and 400 as ResponseErrors with Elasticsearch's bodies", async () => {
    const plain = client({ username: "plain", password: "plain-pass" });
    await assert.rejects(plain.security.createApiKey({ name: "nope" }), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 403);
      assert.match(error.body.error.reason, /is unauthorized for user \[plain\]/);
      return true;
    });
    await assert.rejects(owner.security.createApiKey({ name: "_bad" }), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 400);
      assert.equal(error.body.error.reason, "Validation Failed: 1: api key name may not begin with an underscore;");
      return true;
    });
  });
});
