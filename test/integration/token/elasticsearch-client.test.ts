import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { startDemoServer, type DemoServer } from "../../support/demo-server.js";

const PASSWORD = "demo-admin-pass";

describe("tokens through the official Elasticsearch client, against the demo app", () => {
  let running: DemoServer;
  let base: string;
  let admin: Client;
  const clients: Client[] = [];
  const client = (auth: ConstructorParameters<typeof Client>[0]["auth"]) => {
    const c = new Client({ node: base, auth });
    clients.push(c);
    return c;
  };

  before(async () => {
    running = await startDemoServer("tok_esclient", PASSWORD);
    base = running.base;
    admin = client({ username: "elastic", password: PASSWORD });
    await admin.security.putUser({ username: "writer", password: "writer-pass", roles: ["shop_writer"], full_name: "Writer" });
  });

  after(async () => {
    for (const c of clients) await c.close();
    await running.close();
  });

  it("getToken (password), Bearer requests through the client and the shop, refresh, client_credentials", async () => {
    const pair = await admin.security.getToken({ grant_type: "password", username: "writer", password: "writer-pass" });
    assert.equal(pair.type, "Bearer");
    assert.equal(pair.expires_in, 1200);
    assert.equal(pair.authentication.username, "writer");
    assert.equal(typeof pair.refresh_token, "string");

    const asWriter = client({ bearer: pair.access_token });
    const me = await asWriter.security.authenticate();
    assert.equal(me.username, "writer");
    assert.equal(me.authentication_type, "token");
    assert.deepEqual(me.authentication_realm, { name: "native", type: "native" });
    const created = await fetch(`${base}/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${pair.access_token}`, "content-type": "application/json" },
      body: JSON.stringify({ item: "lamp", quantity: 1 }),
    });
    assert.equal(created.status, 201);
    assert.equal(((await created.json()) as { order: { created_by: string } }).order.created_by, "writer");

    const refreshed = await admin.security.getToken({ grant_type: "refresh_token", refresh_token: pair.refresh_token as string });
    assert.notEqual(refreshed.access_token, pair.access_token);
    assert.equal((await client({ bearer: refreshed.access_token }).security.authenticate()).username, "writer");

    const own = await admin.security.getToken({ grant_type: "client_credentials" });
    assert.equal(own.refresh_token, undefined);
    assert.equal((await client({ bearer: own.access_token }).security.authenticate()).username, "elastic");
  });

  it("invalidateToken by token, refresh_token and username; refused tokens surface as ResponseErrors", async () => {
    const pair = await admin.security.getToken({ grant_type: "password", username: "writer", password: "writer-pass" });
    const byToken = await admin.security.invalidateToken({ token: pair.access_token });
    assert.deepEqual(byToken, { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    await assert.rejects(client({ bearer: pair.access_token }).security.authenticate(), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 401);
      assert.equal(error.body.error.reason, "token expired");
      return true;
    });
    assert.deepEqual(await admin.security.invalidateToken({ refresh_token: pair.refresh_token as string }), {
      invalidated_tokens: 1,
      previously_invalidated_tokens: 0,
      error_count: 0,
    });
    await assert.rejects(
      admin.security.getToken({ grant_type: "refresh_token", refresh_token: pair.refresh_token as string }),
      (error: unknown) => {
        assert.ok(error instanceof errors.ResponseError);
        assert.equal(error.statusCode, 400);
        assert.deepEqual(error.body, { error: "invalid_grant", error_description: "token has been invalidated" });
        return true;
      },
    );

    const a = await admin.security.getToken({ grant_type: "password", username: "writer", password: "writer-pass" });
    const b = await admin.security.getToken({ grant_type: "password", username: "writer", password: "writer-pass" });
    const byUser = await admin.security.invalidateToken({ username: "writer" });
    // Each password grant counts its access token and its refresh token: at least 4 for a and b.
    assert.ok(byUser.invalidated_tokens >= 4, JSON.stringify(byUser));
    for (const t of [a, b]) await assert.rejects(client({ bearer: t.access_token }).security.authenticate(), errors.ResponseError);

    await assert.rejects(admin.security.invalidateToken({ token: "unknown" }), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 404);
      return true;
    });
    await assert.rejects(admin.security.getToken({ grant_type: "password", username: "writer", password: "nope" }), (error: unknown) => {
      assert.ok(error instanceof errors.ResponseError);
      assert.equal(error.statusCode, 401);
      return true;
    });
  });
});
