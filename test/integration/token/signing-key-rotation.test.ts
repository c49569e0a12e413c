import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { Client, errors } from "@elastic/elasticsearch";
import jwt from "jsonwebtoken";
import { SIGNING_KEY_RING_SETTING, SIGNING_KEY_SETTING } from "../../../lib/authc/token/jwt-signing-key.js";
import type { SecurityOptions } from "../../../lib/index.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import {
  as,
  assertInvalidToken,
  assertTokenExpired,
  bearer,
  createTokenFixtures,
  eventually,
  passwordGrant,
  sleep,
} from "./token-fixtures.js";

const POLL = { failureRateLimit: false as const, eventsPollInterval: "200ms" };
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const CLI = join(repoRoot, "dist", "cli", "main.js");

/** The `kid` of an access token's header. */
function kidOf(accessToken: string): unknown {
  return jwt.decode(accessToken, { complete: true })?.header.kid;
}

interface StoredRing {
  revision: number;
  current: { id: string; secret: string };
  previous: { id: string; secret: string; retire_after: number }[];
}

/** The newest revision of the stored ring, read straight from the collection. */
async function storedRing(db: TestDatabase): Promise<StoredRing> {
  const docs = await ringDocuments(db);
  return docs[docs.length - 1]?.value as StoredRing;
}

/** Every stored revision document of the ring, oldest first. */
async function ringDocuments(db: TestDatabase): Promise<{ _id: string; value: unknown }[]> {
  const docs = await db.connection
    .collection<{ _id: string; value: unknown }>("security_settings")
    .find({ _id: { $regex: `^${SIGNING_KEY_RING_SETTING}@` } })
    .toArray();
  return docs.sort((x, y) => (x._id < y._id ? -1 : 1));
}

describe("access-token signing key rotation", () => {
  let db: TestDatabase;
  let a: TestApp;
  let b: TestApp;
  const clients: Client[] = [];
  /** The official client as `auth` against instance `t`. */
  const es = (t: TestApp, auth: ConstructorParameters<typeof Client>[0]["auth"]) => {
    const c = new Client({ node: t.baseUrl, auth });
    clients.push(c);
    return c;
  };
  const mint = async (t: TestApp) =>
    (await es(t, { username: "client", password: "client-pass" }).security.getToken(passwordGrant("alice"))).access_token;
  const whoAmI = async (t: TestApp, token: string) => (await es(t, { bearer: token }).security.authenticate()).username;

  before(async () => {
    db = await openTestDatabase("tok_rotation");
    a = await startTestApp("tok_rotation", POLL, undefined, db);
    b = await startTestApp("tok_rotation", POLL, undefined, db);
    await createTokenFixtures(a);
  });
  after(async () => {
    for (const c of clients) await c.close();
    await a.close();
    await b.close();
    await db.drop();
  });

  it("over two instances: old tokens keep working, new ones carry the new kid everywhere, a retired key's tokens are refused", async () => {
    const k0 = (await storedRing(db)).current.id;
    const before = await mint(a);
    assert.equal(kidOf(before), k0);

    const rotation = await a.security.tokens.rotateSigningKey();
    assert.notEqual(rotation.kid, k0);
    assert.deepEqual(rotation.retired, []);
    assert.equal(rotation.previous.length, 1);
    assert.equal(rotation.previous[0]?.kid, k0);
    // Default lifetime 20 min, plus the one-minute grace.
    const retireIn = (rotation.previous[0]?.retireAt.getTime() ?? 0) - Date.now();
    assert.ok(retireIn > 20 * 60_000 && retireIn <= 21 * 60_000, String(retireIn));
    const stored = await storedRing(db);
    assert.equal(stored.current.id, rotation.kid);
    assert.deepEqual(
      stored.previous.map((p) => p.id),
      [k0],
    );

    // The token signed before the rotation works on both instances.
    assert.equal(await whoAmI(a, before), "alice");
    assert.equal(await whoAmI(b, before), "alice");
    // New tokens carry the new kid: at once on A; on B within one poll (B has not verified any
    // token of the new key yet, so only the journal can have told it).
    const fromA = await mint(a);
    assert.equal(kidOf(fromA), rotation.kid);
    const took = await eventually(async () => kidOf(await mint(b)) === rotation.kid, 2000, 20);
    process.stdout.write(`# instance B signed with the rotated key after ${took} ms (eventsPollInterval 200 ms)\n`);
    assert.equal(await whoAmI(b, fromA), "alice");
    const fromB = await mint(b);
    assert.equal(await whoAmI(a, fromB), "alice");

    // A leaked key: retire everything but a new key, through B.
    const leak = await b.security.tokens.rotateSigningKey({ retireImmediately: true });
    assert.deepEqual(new Set(leak.retired), new Set([k0, rotation.kid]));
    assert.deepEqual(leak.previous, []);
    assert.deepEqual((await storedRing(db)).previous, []);
    for (const token of [before, fromA, fromB]) {
      assertInvalidToken(await b.request("GET", "/_security/_authenticate", { auth: bearer(token) }));
    }
    const refusedOnA = await eventually(
      async () => (await a.request("GET", "/_security/_authenticate", { auth: bearer(fromA) })).status === 401,
      2000,
      20,
    );
    process.stdout.write(`# a retired key's tokens were refused on instance A after ${refusedOnA} ms\n`);
    for (const token of [before, fromA, fromB]) {
      assertInvalidToken(await a.request("GET", "/_security/_authenticate", { auth: bearer(token) }));
    }
    // Through the official client: the same 401, a ResponseError.
    await assert.rejects(
      es(a, { bearer: before }).security.authenticate(),
      (error: unknown) => error instanceof errors.ResponseError && error.statusCode === 401,
    );
    // Tokens of the new key work everywhere.
    const after = await mint(a);
    assert.equal(kidOf(after), leak.kid);
    assert.equal(await whoAmI(b, after), "alice");
    // Invalidating a retired key's token finds nothing (404, zero counts), as for any foreign token.
    const inv = await a.request("DELETE", "/_security/oauth2/token", { auth: as("client"), body: { token: before } });
    assert.equal(inv.status, 404);
  });

  it("an instance that has not seen the rotation yet verifies the new kid after one read of the ring", async () => {
    // C polls the journal once an hour: only a token's unknown kid can tell it about the rotation.
    const c = await startTestApp("tok_rotation", { ...POLL, eventsPollInterval: "1h" }, undefined, db);
    try {
      const heldBefore = c.core.tokens.signingKey.ring?.current.id;
      const rotation = await a.security.tokens.rotateSigningKey();
      assert.notEqual(heldBefore, rotation.kid);
      const token = await mint(a);
      assert.equal(await whoAmI(c, token), "alice");
      // That read brought the whole new ring: C now signs with the new key too.
      assert.equal(kidOf(await mint(c)), rotation.kid);
      // Made-up kids do not make it read again and again (at most once a second).
      const reads = { n: 0 };
      const settings = c.core.models.settings;
      const findById = settings.findById.bind(settings);
      settings.findById = ((...args: Parameters<typeof findById>) => {
        reads.n++;
        return findById(...args);
      }) as typeof findById;
      try {
        const forged = (kid: string) =>
          jwt.sign({ jti: "AbCdEfGhIjKlMnOpQrSt", exp: Math.floor(Date.now() / 1000) + 60, iss: "express-keyguard" }, randomBytes(32), {
            algorithm: "HS256",
            keyid: kid,
          });
        for (let i = 0; i < 20; i++)
          assertInvalidToken(await c.request("GET", "/_security/_authenticate", { auth: bearer(forged(`made-up-${i}`)) }));
        assert.ok(reads.n <= 2, `${reads.n} ring reads for 20 made-up kids`);
      } finally {
        delete (settings as { findById?: unknown }).findById;
      }
    } finally {
      await c.close();
    }
  });

  it("tokens signed before a rotation keep working until they expire", async () => {
    const d = await startTestApp("tok_rotation", { ...POLL, tokens: { accessTokenLifetime: "2s" } }, undefined, db);
    try {
      const token = await mint(d);
      const rotation = await d.security.tokens.rotateSigningKey();
      const retireIn = (rotation.previous[0]?.retireAt.getTime() ?? 0) - Date.now();
      assert.ok(retireIn > 60_000 && retireIn <= 62_000, `${retireIn} ms: the 2 s lifetime plus one minute`);
      assert.notEqual(kidOf(token), rotation.kid);
      assert.equal(await whoAmI(d, token), "alice");
      await sleep(2100);
      // Expired, not refused as foreign: its key still verifies it.
      assertTokenExpired(await d.request("GET", "/_security/_authenticate", { auth: bearer(token) }));
    } finally {
      await d.close();
    }
  });

  it("a key past its retire_after is refused even without a new rotation", async () => {
    const token = await mint(a);
    const rotation = await a.security.tokens.rotateSigningKey();
    assert.equal(await whoAmI(b, token), "alice");
    // As if the lifetime had passed: the stored ring says the replaced key retires in 300 ms.
    const ring = await storedRing(db);
    const previous = ring.previous.map((p) => (p.id === kidOf(token) ? { ...p, retire_after: Date.now() + 300 } : p));
    const docs = await ringDocuments(db);
    await db.connection
      .collection<{ _id: string }>("security_settings")
      .updateOne({ _id: docs[docs.length - 1]?._id }, { $set: { "value.previous": previous } });
    await b.core.tokens.signingKey.reload();
    assert.equal(await whoAmI(b, token), "alice");
    await sleep(350);
    assertInvalidToken(await b.request("GET", "/_security/_authenticate", { auth: bearer(token) }));
    // The next rotation drops it from the stored ring.
    const next = await a.security.tokens.rotateSigningKey();
    assert.ok(next.retired.includes(String(kidOf(token))));
    const ids = (await storedRing(db)).previous.map((p) => p.id);
    assert.ok(ids.includes(rotation.kid) && !ids.includes(String(kidOf(token))), JSON.stringify(ids));
  });

  it("two instances rotating at once: both rotations apply, no key is lost", async () => {
    const k = (await storedRing(db)).current.id;
    const revision = (await storedRing(db)).revision;
    const [r1, r2] = await Promise.all([a.security.tokens.rotateSigningKey(), b.security.tokens.rotateSigningKey()]);
    assert.notEqual(r1.kid, r2.kid);
    const ring = await storedRing(db);
    assert.equal(ring.revision, revision + 2);
    // Each revision was its own insert; the older ones are cleaned up.
    assert.deepEqual(
      (await ringDocuments(db)).map((d) => d._id),
      [`${SIGNING_KEY_RING_SETTING}@${String(revision + 2).padStart(10, "0")}`],
    );
    const winner = ring.current.id;
    const loser = winner === r1.kid ? r2.kid : r1.kid;
    assert.ok([r1.kid, r2.kid].includes(winner));
    const ids = ring.previous.map((p) => p.id);
    assert.ok(ids.includes(k) && ids.includes(loser), JSON.stringify(ids));
  });

  it("the rotate-token-key command rotates the stored ring, says what it did, and the apps follow", async () => {
    const k = (await storedRing(db)).current.id;
    const before = await mint(b);
    const run = await runCommand(["rotate-token-key", "--json", "--access-token-lifetime", "20m"], { MONGODB_URI: db.uri });
    assert.equal(run.code, 0, run.stderr);
    const printed = JSON.parse(run.stdout) as { kid: string; previous: { kid: string; retireAt: string }[]; retired: string[] };
    const ring = await storedRing(db);
    assert.equal(printed.kid, ring.current.id);
    assert.notEqual(printed.kid, k);
    const kept = printed.previous.find((p) => p.kid === k);
    assert.ok(kept);
    const retireIn = Date.parse(kept.retireAt) - Date.now();
    assert.ok(retireIn > 20 * 60_000 && retireIn <= 21 * 60_000, String(retireIn));
    assert.match(run.stderr, new RegExp(`rotate-token-key: rotating the access-token signing key…\\n`));
    assert.match(run.stderr, new RegExp(`done: new access tokens are signed with key ${printed.kid}\\n`));
    assert.match(run.stderr, new RegExp(`key ${k} still verifies the tokens it signed until ${kept.retireAt.replace(/[.]/g, "\\.")}`));
    for (const secret of [ring.current.secret, ...ring.previous.map((p) => p.secret)]) {
      assert.ok(!run.stderr.includes(secret) && !run.stdout.includes(secret), "no secret printed");
    }
    // The apps learn it from the journal, like any other change.
    await eventually(async () => kidOf(await mint(a)) === printed.kid && kidOf(await mint(b)) === printed.kid, 2000, 20);
    assert.equal(await whoAmI(a, before), "alice");

    const now = await runCommand(["rotate-token-key", "--retire-now", "--mongodb-uri", db.uri]);
    assert.equal(now.code, 0, now.stderr);
    assert.match(now.stderr, new RegExp(`key ${printed.kid} retired: tokens it signed are refused from now on`));
    await eventually(async () => (await a.request("GET", "/_security/_authenticate", { auth: bearer(before) })).status === 401, 2000, 20);
    assertInvalidToken(await a.request("GET", "/_security/_authenticate", { auth: bearer(before) }));

    const bad = await runCommand(["rotate-token-key", "--access-token-lifetime", "2h"], { MONGODB_URI: db.uri });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--access-token-lifetime must be whole seconds from "1s" to "1h"/);
    const none = await runCommand(["rotate-token-key"]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no database: pass --mongodb-uri/);
    const help = await runCommand(["rotate-token-key", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: express-keyguard rotate-token-key \[options\]/);
  });
});

describe("signing keys across an upgrade and from options", () => {
  let db: TestDatabase;
  before(async () => {
    db = await openTestDatabase("tok_keys_upgrade");
  });
  after(async () => {
    await db.drop();
  });

  it("upgrading keeps the earlier generated key: its tokens without kid still verify, new ones carry kid 'default'", async () => {
    const legacySecret = randomBytes(64).toString("base64url");
    await db.connection.collection("security_settings").insertOne({ _id: SIGNING_KEY_SETTING as never, value: legacySecret });
    const a = await startTestApp("tok_keys_upgrade", POLL, undefined, db);
    const b = await startTestApp("tok_keys_upgrade", POLL, undefined, db);
    try {
      await createTokenFixtures(a);
      const ring = await storedRing(db);
      assert.equal(ring.current.id, "default");
      assert.equal(ring.current.secret, legacySecret);
      const res = await a.request("POST", "/_security/oauth2/token", { auth: as("client"), body: passwordGrant("alice") });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const token = res.body.access_token as string;
      assert.equal(kidOf(token), "default");
      // The same token as the previous version signed it: no kid in the header.
      const claims = jwt.decode(token, { json: true }) ?? {};
      const legacy = jwt.sign(claims, Buffer.from(legacySecret, "base64url"), { algorithm: "HS256" });
      assert.equal(kidOf(legacy), undefined);
      for (const t of [a, b]) {
        const me = await t.request("GET", "/_security/_authenticate", { auth: bearer(legacy) });
        assert.equal(me.status, 200, JSON.stringify(me.body));
        assert.equal(me.body.username, "alice");
      }
      // A rotation keeps it verifying; retiring the key ends it.
      await a.security.tokens.rotateSigningKey();
      assert.equal((await b.request("GET", "/_security/_authenticate", { auth: bearer(legacy) })).status, 200);
      await a.security.tokens.rotateSigningKey({ retireImmediately: true });
      assertInvalidToken(await a.request("GET", "/_security/_authenticate", { auth: bearer(legacy) }));
      // A forged kid-less token (another secret) never verified.
      const forged = jwt.sign(claims, randomBytes(64), { algorithm: "HS256" });
      assertInvalidToken(await b.request("GET", "/_security/_authenticate", { auth: bearer(forged) }));
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("configured keys: previous keys verify, removed ones are refused, rotation is by redeploying", async () => {
    const s1 = randomBytes(32);
    const s2 = randomBytes(32);
    const start = (tokens: SecurityOptions["tokens"]) => startTestApp("tok_keys_upgrade", { ...POLL, tokens }, undefined, db);
    const token = async (t: TestApp) => {
      const res = await t.request("POST", "/_security/oauth2/token", { auth: as("client"), body: passwordGrant("alice") });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.access_token as string;
    };
    const status = async (t: TestApp, access: string) =>
      (await t.request("GET", "/_security/_authenticate", { auth: bearer(access) })).status;

    // The single-key option signs under kid "default".
    const v1 = await start({ signingKey: s1 });
    const t1 = await token(v1);
    assert.equal(kidOf(t1), "default");
    const refused = await v1.request("GET", "/_security/_authenticate", { auth: bearer(t1) });
    assert.equal(refused.status, 200);
    await assert.rejects(
      v1.security.tokens.rotateSigningKey(),
      (error: unknown) =>
        error instanceof Error &&
        "status" in error &&
        error.status === 400 &&
        /rotate them by deploying a new current key/.test(error.message),
    );
    await v1.close();

    // Redeployed with a new current key, the old one in previous.
    const v2 = await start({ signingKeys: { current: { id: "2026-12", secret: s2 }, previous: [{ id: "default", secret: s1 }] } });
    const t2 = await token(v2);
    assert.equal(kidOf(t2), "2026-12");
    assert.equal(await status(v2, t1), 200);
    assert.equal(await status(v2, t2), 200);
    await v2.close();

    // Once t1's lifetime has passed, the old key is removed: its tokens are refused.
    const v3 = await start({ signingKeys: { current: { id: "2026-12", secret: s2 } } });
    assertInvalidToken(await v3.request("GET", "/_security/_authenticate", { auth: bearer(t1) }));
    assert.equal(await status(v3, t2), 200);
    // The same secret under another id is another key: the kid must match.
    await v3.close();
    const v4 = await start({ signingKeys: { current: { id: "renamed", secret: s2 } } });
    assertInvalidToken(await v4.request("GET", "/_security/_authenticate", { auth: bearer(t2) }));
    await v4.close();
  });
});

function runCommand(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
