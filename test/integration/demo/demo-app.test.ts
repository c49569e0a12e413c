import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client } from "@elastic/elasticsearch";
import { startDemoServer, type DemoServer } from "../../support/demo-server.js";

const PASSWORD = "demo-admin-pass";

describe("demo app and the official Elasticsearch client", () => {
  let running: DemoServer;
  let base: string;
  let client: Client;

  before(async () => {
    running = await startDemoServer("demo", PASSWORD);
    ({ base } = running);
    client = new Client({ node: base, auth: { username: "elastic", password: PASSWORD } });
  });

  after(async () => {
    await client.close();
    await running.close();
  });

  it("authenticates through the client", async () => {
    const me = await client.security.authenticate();
    assert.equal(me.username, "elastic");
    assert.deepEqual(me.roles, ["superuser"]);
    assert.equal(me.authentication_type, "realm");
    assert.deepEqual(me.authentication_realm, { name: "native", type: "native" });
  });

  it("puts, gets and deletes users and roles through the client", async () => {
    const role = await client.security.putRole({
      name: "es_client_role",
      cluster: ["monitor"],
      indices: [{ names: ["logs-*"], privileges: ["read"] }],
    });
    assert.deepEqual(role, { role: { created: true } });
    const roles = await client.security.getRole({ name: "es_client_role" });
    assert.deepEqual(roles.es_client_role?.cluster, ["monitor"]);
    const user = await client.security.putUser({
      username: "es_client_user",
      password: "es-client-pass",
      roles: ["es_client_role", "shop_reader"],
      full_name: "Client User",
    });
    assert.deepEqual(user, { created: true });
    const users = await client.security.getUser({ username: "es_client_user" });
    assert.equal(users.es_client_user?.full_name, "Client User");

    const asUser = new Client({ node: base, auth: { username: "es_client_user", password: "es-client-pass" } });
    try {
      const has = await asUser.security.hasPrivileges({
        cluster: ["monitor", "manage_security"],
        index: [{ names: ["logs-1"], privileges: ["read"] }],
      });
      assert.equal(has.has_all_requested, false);
      assert.deepEqual(has.cluster, { monitor: true, manage_security: false });
      assert.deepEqual(has.index, { "logs-1": { read: true } });
      await assert.rejects(
        asUser.security.putUser({ username: "x", password: "xxxxxxxx" }),
        (error: { meta?: { statusCode?: number } }) => error.meta?.statusCode === 403,
      );
    } finally {
      await asUser.close();
    }
    assert.deepEqual(await client.security.deleteUser({ username: "es_client_user" }), { found: true });
    assert.deepEqual(await client.security.deleteRole({ name: "es_client_role" }), { found: true });
  });

  it("guards the shop's orders with application privileges", async () => {
    const auth = (u: string, p: string) => ({
      authorization: "Basic " + Buffer.from(`${u}:${p}`).toString("base64"),
      "content-type": "application/json",
    });
    await client.security.putUser({ username: "reader", password: "reader-pass", roles: ["shop_reader"] });
    await client.security.putUser({ username: "writer", password: "writer-pass", roles: ["shop_writer"] });
    const created = await fetch(`${base}/orders`, {
      method: "POST",
      headers: auth("writer", "writer-pass"),
      body: JSON.stringify({ item: "book", quantity: 2 }),
    });
    assert.equal(created.status, 201);
    const denied = await fetch(`${base}/orders`, {
      method: "POST",
      headers: auth("reader", "reader-pass"),
      body: JSON.stringify({ item: "pen", quantity: 1 }),
    });
    assert.equal(denied.status, 403);
    const list = await fetch(`${base}/orders`, { headers: auth("reader", "reader-pass") });
    assert.equal(list.status, 200);
    const body = (await list.json()) as { orders: Array<{ item: string; created_by: string }> };
    assert.deepEqual(
      body.orders.map((o) => [o.item, o.created_by]),
      [["book", "writer"]],
    );
    assert.equal((await fetch(`${base}/orders`)).status, 401);
  });
});
