import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { basic, startTestApp, type HttpResult, type TestApp } from "../../support/test-app.js";
import { as, bearer, createTokenFixtures, getToken, passwordGrant } from "./token-fixtures.js";

/** Elasticsearch's 401 shape, with the reason naming the user who is no longer there. */
function assertRefused(res: HttpResult, why: RegExp): void {
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.type, "security_exception");
  assert.match(res.body.error.reason, why);
  assert.match(res.body.error.reason, /no credentials can be created on its behalf$/);
}

describe("no credentials are minted for a user who was disabled or deleted after authenticating", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("tok_inactive", { failureRateLimit: false });
    await createTokenFixtures(t);
    assert.equal(
      (await t.admin("PUT", "/_security/user/leaver", { password: "leaver-pass", roles: ["token_client", "own_keys"] })).status,
      200,
    );
  });
  after(() => t.close());

  it("an access token of a disabled user creates no API key, grants none, gets no token and updates no key", async () => {
    const own = await getToken(t, "keymaker", passwordGrant("keymaker"));
    const viaClient = await getToken(t, "client", passwordGrant("keymaker"));
    // While keymaker is enabled, the token mints (the paths under test work at all).
    const before = await t.request("POST", "/_security/api_key", { auth: bearer(own.access_token), body: { name: "while-enabled" } });
    assert.equal(before.status, 200, JSON.stringify(before.body));
    const ownKey = before.body as { id: string; encoded: string };

    assert.equal((await t.admin("POST", "/_security/user/keymaker/_disable")).status, 200);

    const disabled = /^user \[keymaker\] of realm \[native\] is disabled/;
    assertRefused(await t.request("POST", "/_security/api_key", { auth: bearer(own.access_token), body: { name: "forever" } }), disabled);
    assertRefused(
      await t.request("POST", "/_security/api_key/grant", {
        auth: as("granter"),
        body: { grant_type: "access_token", access_token: own.access_token, api_key: { name: "granted-forever" } },
      }),
      disabled,
    );
    assertRefused(
      await t.request("POST", "/_security/oauth2/token", { auth: bearer(own.access_token), body: { grant_type: "client_credentials" } }),
      disabled,
    );
    assertRefused(
      await t.request("PUT", `/_security/api_key/${ownKey.id}`, { auth: bearer(own.access_token), body: { expiration: "3650d" } }),
      disabled,
    );
    // The key made while keymaker was enabled keeps working, as Elasticsearch's keys do; it mints nothing either.
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: { apiKey: ownKey.encoded } })).status, 200);
    assertRefused(
      await t.request("POST", "/_security/api_key", {
        auth: { apiKey: ownKey.encoded },
        body: { name: "derived", role_descriptors: { noop: {} } },
      }),
      disabled,
    );

    const refresh = await t.request("POST", "/_security/oauth2/token", {
      auth: as("client"),
      body: { grant_type: "refresh_token", refresh_token: viaClient.refresh_token },
    });
    assert.equal(refresh.status, 400, JSON.stringify(refresh.body));
    assert.equal(refresh.body.error, "invalid_grant");
    assert.match(refresh.body.error_description, disabled);

    const keys = await t.admin("GET", "/_security/api_key?username=keymaker&realm_name=native");
    assert.deepEqual(
      keys.body.api_keys.map((k: { name: string }) => k.name),
      ["while-enabled"],
    );

    // Enabled again, the same token and refresh token mint again: nothing was spent or revoked.
    assert.equal((await t.admin("POST", "/_security/user/keymaker/_enable")).status, 200);
    assert.equal(
      (await t.request("POST", "/_security/api_key", { auth: bearer(own.access_token), body: { name: "after-enable" } })).status,
      200,
    );
    assert.equal(
      (
        await t.request("POST", "/_security/oauth2/token", {
          auth: as("client"),
          body: { grant_type: "refresh_token", refresh_token: viaClient.refresh_token },
        })
      ).status,
      200,
    );
  });

  it("an access token of a deleted user mints nothing", async () => {
    const leaverGrant = { grant_type: "password", username: "leaver", password: "leaver-pass" };
    const pair = await getToken(t, "client", leaverGrant);
    const viaSelf = await getToken(t, basic("leaver", "leaver-pass"), leaverGrant);
    assert.equal((await t.admin("DELETE", "/_security/user/leaver")).status, 200);

    const gone = /^user \[leaver\] no longer exists in realm \[native\]/;
    assertRefused(await t.request("POST", "/_security/api_key", { auth: bearer(viaSelf.access_token), body: { name: "forever" } }), gone);
    assertRefused(
      await t.request("POST", "/_security/api_key/grant", {
        auth: as("granter"),
        body: { grant_type: "access_token", access_token: pair.access_token, api_key: { name: "granted-forever" } },
      }),
      gone,
    );
    assertRefused(
      await t.request("POST", "/_security/oauth2/token", {
        auth: bearer(viaSelf.access_token),
        body: { grant_type: "client_credentials" },
      }),
      gone,
    );
    const refresh = await t.request("POST", "/_security/oauth2/token", {
      auth: as("client"),
      body: { grant_type: "refresh_token", refresh_token: pair.refresh_token },
    });
    assert.equal(refresh.status, 400);
    assert.match(refresh.body.error_description, gone);
    const keys = await t.admin("GET", "/_security/api_key?username=leaver&realm_name=native");
    assert.deepEqual(keys.body.api_keys, []);
  });
});
