import assert from "node:assert/strict";
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { Client, errors } from "@elastic/elasticsearch";
import { ADMIN_PASSWORD, basic, startTestApp, type TestApp } from "../../support/test-app.js";

/** Elasticsearch's `{PBKDF2}` layout: PBKDF2-HMAC-SHA512, `<iterations>$<base64 salt>$<base64 key>`. */
function pbkdf2Hash(password: string, iterations = 10_000): string {
  const salt = randomBytes(32);
  const key = pbkdf2Sync(Buffer.from(password, "utf8"), salt, iterations, 32, "sha512");
  return `{PBKDF2}${iterations}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/** Elasticsearch's `{PBKDF2_STRETCH}`: the same over the hex SHA-512 of the password. */
function pbkdf2StretchHash(password: string, iterations = 1000): string {
  const salt = randomBytes(32);
  const input = Buffer.from(createHash("sha512").update(password, "utf8").digest("hex"), "utf8");
  return `{PBKDF2_STRETCH}${iterations}$${salt.toString("base64")}$${pbkdf2Sync(input, salt, iterations, 32, "sha512").toString("base64")}`;
}

const UNSUPPORTED =
  "The provided password hash is not a hash or it could not be resolved to a supported hash algorithm. The supported password hash algorithms are " +
  "[bcrypt, bcrypt4, bcrypt5, bcrypt6, bcrypt7, bcrypt8, bcrypt9, bcrypt10, bcrypt11, bcrypt12, bcrypt13, bcrypt14, " +
  "pbkdf2, pbkdf2_1000, pbkdf2_10000, pbkdf2_50000, pbkdf2_100000, pbkdf2_500000, pbkdf2_1000000, " +
  "pbkdf2_stretch, pbkdf2_stretch_1000, pbkdf2_stretch_10000, pbkdf2_stretch_50000, pbkdf2_stretch_100000, pbkdf2_stretch_500000, pbkdf2_stretch_1000000]";

describe("password_hash in any algorithm the native realm verifies (bcrypt, {PBKDF2}, {PBKDF2_STRETCH})", () => {
  let t: TestApp;
  let admin: Client;
  before(async () => {
    t = await startTestApp("pw_hash_formats", { failureRateLimit: false });
    admin = new Client({ node: t.baseUrl, auth: { username: "elastic", password: ADMIN_PASSWORD } });
  });
  after(async () => {
    await admin.close();
    await t.close();
  });

  const authenticate = (user: string, password: string) => t.request("GET", "/_security/_authenticate", { auth: basic(user, password) });

  it("creates a user from a {PBKDF2} hash; the password authenticates (200), a wrong one does not (401)", async () => {
    const created = await admin.security.putUser({ username: "imported", password_hash: pbkdf2Hash("imported-pass"), roles: [] });
    assert.deepEqual(created, { created: true });
    const ok = await authenticate("imported", "imported-pass");
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.username, "imported");
    assert.equal(ok.body.authentication_realm.type, "native");
    const wrong = await authenticate("imported", "imported-pasS");
    assert.equal(wrong.status, 401, JSON.stringify(wrong.body));
    assert.equal(wrong.body.error.reason, "unable to authenticate user [imported] for REST request [/_security/_authenticate]");

    // A {PBKDF2_STRETCH} hash at another iteration count verifies too.
    await admin.security.putUser({ username: "stretched", password_hash: pbkdf2StretchHash("stretched-pass"), roles: [] });
    assert.equal((await authenticate("stretched", "stretched-pass")).status, 200);
    assert.equal((await authenticate("stretched", "stretched-pasS")).status, 401);
  });

  it("changes a password to a {PBKDF2} hash with _password: the new password authenticates, the old and a wrong one do not", async () => {
    await admin.security.putUser({ username: "changer", password: "first-pass", roles: [] });
    assert.equal((await authenticate("changer", "first-pass")).status, 200);
    await admin.security.changePassword({ username: "changer", password_hash: pbkdf2Hash("second-pass") });
    assert.equal((await authenticate("changer", "second-pass")).status, 200);
    assert.equal((await authenticate("changer", "first-pass")).status, 401);
    assert.equal((await authenticate("changer", "wrong-pass")).status, 401);

    // And back to a bcrypt-hashed password typed in clear: the realm verifies both kinds.
    await admin.security.changePassword({ username: "changer", password: "third-pass" });
    assert.equal((await authenticate("changer", "third-pass")).status, 200);
    assert.equal((await authenticate("changer", "second-pass")).status, 401);
  });

  it("refuses a hash it cannot verify with Elasticsearch's 400, naming the supported algorithms, and writes nothing", async () => {
    const ssha = `{SSHA256}${randomBytes(6).toString("base64")}${createHash("sha256").update("x").digest("base64")}`;
    for (const hash of ["not-a-hash", ssha, "{PBKDF2}10000$short$short", "{PBKDF2}0$AAAAAAAAAAA=$AAAAAAAAAAAAAAAAAAAAAA=="]) {
      await assert.rejects(admin.security.putUser({ username: "refused", password_hash: hash, roles: [] }), (error: unknown) => {
        assert.ok(error instanceof errors.ResponseError);
        assert.equal(error.statusCode, 400, hash);
        assert.equal(error.body.error.type, "action_request_validation_exception");
        assert.equal(error.body.error.reason, `Validation Failed: 1: ${UNSUPPORTED};`);
        return true;
      });
      const res = await t.request("PUT", "/_security/user/imported/_password", {
        auth: basic("elastic", ADMIN_PASSWORD),
        body: { password_hash: hash },
      });
      assert.equal(res.status, 400, hash);
      assert.equal(res.body.error.reason, `Validation Failed: 1: ${UNSUPPORTED};`);
    }
    assert.equal((await t.admin("GET", "/_security/user/refused")).status, 404);
    assert.equal((await authenticate("imported", "imported-pass")).status, 200);
  });
});
