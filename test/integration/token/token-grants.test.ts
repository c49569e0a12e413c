import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { startTestApp, type RequestOptions, type TestApp } from "../../support/test-app.js";
import {
  as,
  assertInvalidToken,
  assertTokenExpired,
  bearer,
  createTokenFixtures,
  getToken,
  passwordGrant,
  type TokenPair,
} from "./token-fixtures.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

describe("token service: grants, refresh, invalidation, Bearer authentication", () => {
  let t: TestApp;
  const tokens = () => t.core.tokens.store.model;

  before(async () => {
    t = await startTestApp("tok_grants", { failureRateLimit: false });
    await createTokenFixtures(t);
  });
  after(async () => {
    await t.close();
  });

  const refresh = (caller: RequestOptions["auth"], refreshToken: string) =>
    t.request("POST", "/_security/oauth2/token", { auth: caller, body: { grant_type: "refresh_token", refresh_token: refreshToken } });

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(t.security.router());
  });

  it("password grant: a token pair for that user, and _authenticate reports a token of the original realm", async () => {
    const pair = await getToken(t, "client", passwordGrant("alice"));
    assert.match(pair.access_token, JWT);
    assert.equal(pair.type, "Bearer");
    assert.equal(pair.expires_in, 1200);
    assert.match(pair.refresh_token ?? "", /^[A-Za-z0-9_-]{43}$/);
    assert.equal(pair.authentication.username, "alice");
    assert.deepEqual(pair.authentication.roles, ["reader"]);
    assert.equal(pair.authentication.authentication_type, "realm");
    assert.equal("scope" in pair, false);

    const me = await t.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) });
    assert.equal(me.status, 200, JSON.stringify(me.body));
    assert.deepEqual(me.body, {
      username: "alice",
      roles: ["reader"],
      full_name: "alice full",
      email: null,
      metadata: {},
      enabled: true,
      authentication_realm: { name: "native", type: "native" },
      lookup_realm: { name: "native", type: "native" },
      authentication_type: "token",
    });
    const has = await t.request("POST", "/_security/user/_has_privileges", {
      auth: bearer(pair.access_token),
      body: { cluster: ["monitor", "manage_token"], index: [{ names: ["logs-1"], privileges: ["read"] }] },
    });
    assert.deepEqual(has.body.cluster, { monitor: true, manage_token: false });
    assert.deepEqual(has.body.index, { "logs-1": { read: true } });
    // The scheme is case-insensitive, as every other one.
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: `bEaReR ${pair.access_token}` })).status, 200);
  });

  it("stores neither token, only the refresh token's hash", async () => {
    const pair = await getToken(t, "client", passwordGrant("alice"));
    const id = JSON.parse(Buffer.from(pair.access_token.split(".")[1] as string, "base64url").toString()).jti as string;
    const doc = await tokens().findById(id).lean().exec();
    assert.ok(doc);
    const stored = JSON.stringify(doc);
    assert.ok(!stored.includes(pair.refresh_token as string));
    assert.ok(!stored.includes(pair.access_token));
    assert.equal(doc.refresh_hash?.length, 43);
    assert.equal(doc.username, "alice");
    assert.equal(doc.realm, "native");
    assert.equal(doc.expiration_time - doc.creation_time <= 1_200_000, true);
  });

  it("client_credentials: a token for the caller, without refresh token; a requested scope is named 'full'", async () => {
    const pair = await getToken(t, "client", { grant_type: "client_credentials", scope: "FULL" });
    assert.equal(pair.refresh_token, undefined);
    assert.equal((pair as TokenPair & { scope?: string }).scope, "full");
    assert.equal(pair.authentication.username, "client");
    const me = await t.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) });
    assert.equal(me.body.username, "client");
    assert.equal(me.body.authentication_type, "token");
    // A token can mint another for its own subject (it holds manage_token through its roles).
    const again = await getToken(t, bearer(pair.access_token), { grant_type: "client_credentials" });
    assert.equal(again.authentication.authentication_type, "token");
  });

  it("refresh_token: rotates the pair; a retry within 30 s returns the same pair; a later reuse is invalid_grant", async () => {
    const first = await getToken(t, "client", passwordGrant("alice"));
    const res = await refresh(as("client"), first.refresh_token as string);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const second = res.body as TokenPair;
    assert.notEqual(second.access_token, first.access_token);
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.equal(second.expires_in, 1200);
    assert.equal(second.authentication.username, "alice");
    assert.equal(second.authentication.authentication_type, "token");
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: bearer(second.access_token) })).body.username, "alice");
    // Refreshing does not revoke the old access token (Elasticsearch's behaviour).
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: bearer(first.access_token) })).status, 200);

    const retry = await refresh(as("client"), first.refresh_token as string);
    assert.equal(retry.status, 200);
    assert.equal(retry.body.access_token, second.access_token);
    assert.equal(retry.body.refresh_token, second.refresh_token);
    assert.ok(retry.body.expires_in <= 1200 && retry.body.expires_in >= 1195);

    // Move the refresh 31 s into the past (its time is the new token's creation): the window is over.
    const secondId = JSON.parse(Buffer.from(second.access_token.split(".")[1] as string, "base64url").toString()).jti as string;
    await tokens()
      .updateOne({ _id: secondId }, { $set: { creation_time: Date.now() - 31_000 } })
      .exec();
    const late = await refresh(as("client"), first.refresh_token as string);
    assert.equal(late.status, 400);
    assert.deepEqual(late.body, {
      error: "invalid_grant",
      error_description: "token has already been refreshed more than 30 seconds in the past",
    });

    // The new refresh token works once more, and the chain continues.
    const third = await refresh(as("client"), second.refresh_token as string);
    assert.equal(third.status, 200);
    assert.notEqual(third.body.refresh_token, second.refresh_token);
  });

  it("concurrent refreshes with one refresh token all get the same new pair", async () => {
    const first = await getToken(t, "client", passwordGrant("bob"));
    const results = await Promise.all(Array.from({ length: 8 }, () => refresh(as("client"), first.refresh_token as string)));
    for (const r of results) assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(new Set(results.map((r) => r.body.access_token)).size, 1);
    assert.equal(new Set(results.map((r) => r.body.refresh_token)).size, 1);
    // Exactly one new token was minted: the losers of the race deleted theirs.
    assert.equal(await tokens().countDocuments({ username: "bob" }).exec(), 2);
  });

  it("refuses refresh tokens that are unknown, another client's, invalidated or expired", async () => {
    assert.deepEqual((await refresh(as("client"), randomBytes(32).toString("base64url"))).body, {
      error: "invalid_grant",
      error_description: "could not refresh the requested token",
    });
    assert.deepEqual((await refresh(as("client"), "not a refresh token")).body, {
      error: "invalid_grant",
      error_description: "could not refresh the requested token",
    });

    const pair = await getToken(t, "client", passwordGrant("alice"));
    const stolen = await refresh(as("other_client"), pair.refresh_token as string);
    assert.equal(stolen.status, 400);
    assert.deepEqual(stolen.body, { error: "invalid_grant", error_description: "tokens must be refreshed by the creating client" });

    const id = JSON.parse(Buffer.from(pair.access_token.split(".")[1] as string, "base64url").toString()).jti as string;
    await tokens()
      .updateOne({ _id: id }, { $set: { refresh_expiration_time: Date.now() - 1 } })
      .exec();
    assert.deepEqual((await refresh(as("client"), pair.refresh_token as string)).body, {
      error: "invalid_grant",
      error_description: "token document has expired",
    });

    const other = await getToken(t, "client", passwordGrant("alice"));
    const inv = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { refresh_token: other.refresh_token } });
    assert.deepEqual(inv.body, { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    assert.deepEqual((await refresh(as("client"), other.refresh_token as string)).body, {
      error: "invalid_grant",
      error_description: "token has been invalidated",
    });
    // Invalidating the refresh token leaves the access token alone, as in Elasticsearch.
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: bearer(other.access_token) })).status, 200);
    const again = await t.request("DELETE", "/_security/oauth2/token", {
      auth: as("client"),
      body: { refresh_token: other.refresh_token },
    });
    assert.deepEqual(again.body, { invalidated_tokens: 0, previously_invalidated_tokens: 1, error_count: 0 });
  });

  it("answers bad requests the OAuth2 way and parse errors the Elasticsearch way", async () => {
    const post = (body: unknown) => t.request("POST", "/_security/oauth2/token", { auth: as("client"), body });
    assert.deepEqual((await post({ grant_type: "magic" })).body, {
      error: "unsupported_grant_type",
      error_description: "Validation Failed: 1: grant_type only supports the values: [password, refresh_token, client_credentials];",
    });
    const missing = await post({ grant_type: "password", username: "alice" });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { error: "invalid_request", error_description: "Validation Failed: 1: password is missing;" });
    const unknown = await post({ grant_type: "password", username: "alice", password: "x", extra: true });
    assert.equal(unknown.status, 400);
    assert.equal(unknown.body.error.type, "x_content_parse_exception");
    assert.equal(unknown.body.error.reason, "[token_request] unknown field [extra]");
    const operator = await post({ grant_type: "password", username: { $ne: null }, password: "x" });
    assert.equal(operator.status, 400);
    assert.equal(operator.body.error.type, "x_content_parse_exception");
    const param = await t.request("POST", "/_security/oauth2/token?refresh=true", {
      auth: as("client"),
      body: { grant_type: "client_credentials" },
    });
    assert.equal(param.status, 400);
  });

  it("refuses wrong password-grant credentials with 401 (never echoing the password)", async () => {
    const res = await t.request("POST", "/_security/oauth2/token", {
      auth: as("client"),
      body: { grant_type: "password", username: "alice", password: "wrong-secret-xyz" },
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.error.reason, "unable to authenticate user [alice] for action [cluster:admin/xpack/security/token/create]");
    assert.ok(!JSON.stringify(res.body).includes("wrong-secret-xyz"));
    const ghost = await t.request("POST", "/_security/oauth2/token", {
      auth: as("client"),
      body: { grant_type: "password", username: "ghost", password: "whatever" },
    });
    assert.equal(ghost.status, 401);
  });

  it("needs manage_token (or manage_security / all), as in Elasticsearch", async () => {
    const denied = await t.request("POST", "/_security/oauth2/token", { auth: as("plain"), body: { grant_type: "client_credentials" } });
    assert.equal(denied.status, 403);
    assert.equal(
      denied.body.error.reason,
      "action [cluster:admin/xpack/security/token/create] is unauthorized for user [plain] with effective roles [reader], this action is granted by the cluster privileges [manage_token,manage_security,all]",
    );
    const pair = await getToken(t, "client", passwordGrant("plain"));
    const refreshDenied = await refresh(as("plain"), pair.refresh_token as string);
    assert.equal(refreshDenied.status, 403);
    assert.match(
      refreshDenied.body.error.reason,
      /^action \[cluster:admin\/xpack\/security\/token\/refresh\] is unauthorized for user \[plain\]/,
    );
    const invalidateDenied = await t.request("DELETE", "/_security/oauth2/token", {
      auth: as("plain"),
      body: { token: pair.access_token },
    });
    assert.equal(invalidateDenied.status, 403);
    // The token minted for plain carries plain's roles only: it cannot mint tokens either.
    assert.equal(
      (await t.request("POST", "/_security/oauth2/token", { auth: bearer(pair.access_token), body: { grant_type: "client_credentials" } }))
        .status,
      403,
    );
    // The superuser may.
    assert.equal((await t.admin("POST", "/_security/oauth2/token", { grant_type: "client_credentials" })).status, 200);
  });

  it("refuses forged, tampered, alg:none and foreign Bearer values with a 401, never a 500", async () => {
    const pair = await getToken(t, "client", passwordGrant("alice"));
    const [h, p, s] = pair.access_token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
    const otherKey = randomBytes(64);
    const sign = (header: unknown, payload: unknown, key: Buffer) => {
      const data = `${b64(header)}.${b64(payload)}`;
      return `${data}.${createHmac("sha256", key).update(data).digest("base64url")}`;
    };
    const cases: Record<string, string> = {
      wrongKey: sign({ alg: "HS256", typ: "JWT" }, claims, otherKey),
      tamperedPayload: `${h}.${b64({ ...claims, sub: "elastic" })}.${s}`,
      tamperedSignature: `${h}.${p}.${s.slice(0, -4)}AAAA`,
      algNone: `${b64({ alg: "none", typ: "JWT" })}.${p}.`,
      algNoneUpper: `${b64({ alg: "NONE" })}.${p}.`,
      hs512: `${b64({ alg: "HS512", typ: "JWT" })}.${p}.${s}`,
      garbage: "definitely-not-a-token",
      twoParts: `${h}.${p}`,
      unknownId: sign({ alg: "HS256", typ: "JWT" }, { ...claims, jti: "ZZZZZZZZZZZZZZZZZZZZ" }, otherKey),
    };
    for (const [name, value] of Object.entries(cases)) {
      const res = await t.request("GET", "/_security/_authenticate", { auth: bearer(value) });
      assertInvalidToken(res);
      assert.deepEqual(
        res.body.error.header["WWW-Authenticate"],
        ['Basic realm="security", charset="UTF-8"', 'Bearer realm="security"', "ApiKey"],
        name,
      );
    }
    // The genuine token still works.
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status, 200);
  });

  it("invalidates by access token: 'token expired' afterwards, a repeat counts as previously invalidated, unknown tokens are 404", async () => {
    const pair = await getToken(t, "client", passwordGrant("alice"));
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) })).status, 200);
    const res = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { token: pair.access_token } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    assertTokenExpired(await t.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
    const again = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { token: pair.access_token } });
    assert.deepEqual(again.body, { invalidated_tokens: 0, previously_invalidated_tokens: 1, error_count: 0 });
    for (const body of [
      { token: "nope" },
      { refresh_token: randomBytes(32).toString("base64url") },
      { token: `${pair.access_token.slice(0, -4)}AAAA` },
    ]) {
      const missing = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body });
      assert.equal(missing.status, 404, JSON.stringify(body));
      assert.deepEqual(missing.body, { invalidated_tokens: 0, previously_invalidated_tokens: 0, error_count: 0 });
    }
  });

  it("invalidates every active token of a username, of a realm, or of both", async () => {
    const bobs = [await getToken(t, "client", passwordGrant("bob")), await getToken(t, "other_client", passwordGrant("bob"))];
    const alices = [await getToken(t, "client", passwordGrant("alice"))];
    await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { username: "bob" } }); // earlier tests' bob tokens too
    const more = await getToken(t, "client", passwordGrant("bob"));
    const byUser = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { username: "bob" } });
    // One password grant: its access token and its refresh token, counted separately.
    assert.deepEqual(byUser.body, { invalidated_tokens: 2, previously_invalidated_tokens: 0, error_count: 0 });
    for (const pair of [...bobs, more])
      assertTokenExpired(await t.request("GET", "/_security/_authenticate", { auth: bearer(pair.access_token) }));
    assert.deepEqual((await refresh(as("client"), more.refresh_token as string)).body, {
      error: "invalid_grant",
      error_description: "token has been invalidated",
    });
    assert.equal((await t.request("GET", "/_security/_authenticate", { auth: bearer(alices[0]?.access_token as string) })).status, 200);

    const none = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { username: "nobody" } });
    assert.equal(none.status, 200);
    assert.deepEqual(none.body, { invalidated_tokens: 0, previously_invalidated_tokens: 0, error_count: 0 });

    const wrongRealm = await t.request("DELETE", "/_security/oauth2/token", {
      auth: as("client"),
      body: { realm_name: "ldap", username: "alice" },
    });
    assert.equal(wrongRealm.body.invalidated_tokens, 0);
    const both = await t.request("DELETE", "/_security/oauth2/token", {
      auth: as("client"),
      body: { realm_name: "native", username: "alice" },
    });
    assert.ok(both.body.invalidated_tokens >= 1, JSON.stringify(both.body));
    assertTokenExpired(await t.request("GET", "/_security/_authenticate", { auth: bearer(alices[0]?.access_token as string) }));

    const clientToken = await getToken(t, "client", { grant_type: "client_credentials" });
    const byRealm = await t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { realm_name: "native" } });
    assert.ok(byRealm.body.invalidated_tokens >= 1, JSON.stringify(byRealm.body));
    assertTokenExpired(await t.request("GET", "/_security/_authenticate", { auth: bearer(clientToken.access_token) }));
  });

  it("counts access and refresh tokens separately when invalidating by username or realm, as Elasticsearch", async () => {
    const del = (body: unknown) => t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body });
    const created = await t.admin("PUT", "/_security/user/counted", { password: "counted-pass", roles: ["token_client"] });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const grant = { grant_type: "password", username: "counted", password: "counted-pass" };

    // By username after one password grant: 2 (the access token and the refresh token).
    await getToken(t, "client", grant);
    assert.deepEqual((await del({ username: "counted" })).body, {
      invalidated_tokens: 2,
      previously_invalidated_tokens: 0,
      error_count: 0,
    });
    // Nothing active is left: zero counts.
    assert.deepEqual((await del({ username: "counted" })).body, {
      invalidated_tokens: 0,
      previously_invalidated_tokens: 0,
      error_count: 0,
    });

    // By refresh_token: 1; then by username the refresh part is previously invalidated, the access part new.
    const second = await getToken(t, "client", grant);
    const byRefresh = await del({ refresh_token: second.refresh_token });
    assert.deepEqual(byRefresh.body, { invalidated_tokens: 1, previously_invalidated_tokens: 0, error_count: 0 });
    assert.deepEqual((await del({ username: "counted" })).body, {
      invalidated_tokens: 1,
      previously_invalidated_tokens: 1,
      error_count: 0,
    });

    // By access token: 1; then by username the access part is previously invalidated, the refresh part new.
    const third = await getToken(t, "client", grant);
    assert.deepEqual((await del({ token: third.access_token })).body, {
      invalidated_tokens: 1,
      previously_invalidated_tokens: 0,
      error_count: 0,
    });
    const byRealmAndUser = await del({ realm_name: "native", username: "counted" });
    assert.deepEqual(byRealmAndUser.body, { invalidated_tokens: 1, previously_invalidated_tokens: 1, error_count: 0 });
    assert.deepEqual((await refresh(as("client"), third.refresh_token as string)).body, {
      error: "invalid_grant",
      error_description: "token has been invalidated",
    });

    // Two password grants: 4.
    await getToken(t, "client", grant);
    await getToken(t, "client", grant);
    assert.deepEqual((await del({ realm_name: "native", username: "counted" })).body, {
      invalidated_tokens: 4,
      previously_invalidated_tokens: 0,
      error_count: 0,
    });

    // A client_credentials token has no refresh token: it counts 1.
    const basic = `Basic ${Buffer.from("counted:counted-pass").toString("base64")}`;
    const own = await getToken(t, basic, { grant_type: "client_credentials" });
    assert.equal(own.refresh_token, undefined);
    assert.deepEqual((await del({ username: "counted" })).body, {
      invalidated_tokens: 1,
      previously_invalidated_tokens: 0,
      error_count: 0,
    });
  });

  it("refuses malformed invalidation requests with Elasticsearch's errors", async () => {
    const del = (body: unknown) => t.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body });
    const empty = await del({});
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.type, "action_request_validation_exception");
    assert.equal(
      empty.body.error.reason,
      "Validation Failed: 1: token string must be provided when not specifying a realm name or a username;",
    );
    const both = await del({ token: "a", refresh_token: "b" });
    assert.equal(both.status, 400);
    assert.equal(both.body.error.caused_by.reason, "only one of [token, refresh_token] may be sent per request");
    const mixed = await del({ token: "a", username: "bob" });
    assert.equal(mixed.body.error.type, "action_request_validation_exception");
    const injected = await del({ username: { $gt: "" } });
    assert.equal(injected.status, 400);
    assert.equal(injected.body.error.type, "x_content_parse_exception");
  });
});
