import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import {
  assertSafeResponse,
  assertSameSnapshot,
  basic,
  closeAgent,
  report,
  send,
  snapshot,
  storedHashes,
  toHeaderValue,
  unsafeStoredKeys,
  type RawResult,
  type Snapshot,
} from "./reliability-support.js";

// Generated hostile input thrown at the router. Invariants for every request: never a 5xx, never a
// crash, no stack trace or secret in the response, an Elasticsearch error body for every
// rejection, and no document created or changed by a rejected request.

const ADMIN = `adm-${randomBytes(12).toString("hex")}`;
const OWNER = `own-${randomBytes(12).toString("hex")}`;
const NOBODY = `nob-${randomBytes(12).toString("hex")}`;

/** How many inputs each property tries; the whole file stays well under a minute on 2 cores. */
const RUNS = { authorization: 250, runAs: 100, secondary: 100, bodies: 550, paths: 200, queryDsl: 300 };

interface Key {
  id: string;
  api_key: string;
  encoded: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** Values a hostile client puts where a string, number or object belongs. */
const HOSTILE_VALUES: unknown[] = [
  { $gt: "" },
  { $ne: null },
  { $where: "sleep(1000) || true" },
  { $regex: ".*", $options: "s" },
  { $in: ["a", "b"] },
  { $expr: { $eq: [1, 1] } },
  { $function: { body: "function(){return true}", args: [], lang: "js" } },
  ["$gt", ""],
  "$gt",
  "$where",
  { __proto__: { polluted: true } },
  { constructor: { prototype: { polluted: true } } },
  { prototype: { polluted: true } },
  { "a.b": 1 },
  { "": 1 },
  { "\u0000": 1 },
  1e308,
  -1,
  0,
  // eslint-disable-next-line no-loss-of-precision -- 2^53 + 1 on purpose: a JSON number no double holds
  9007199254740993,
  -9223372036854775808,
  "",
  " ",
  "\u0000",
  "\ud83d\ude00",
  null,
  true,
  [],
  {},
  [[[[[[]]]]]],
  "-1",
  "1d",
  "99999999999999999999d",
  "now-1d/d",
  "a".repeat(5000),
  "*",
  "_all",
];

/** JSON text whose key `__proto__` stays an own property (as a real client would send it). */
function hostileJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner !== null && typeof inner === "object" && !Array.isArray(inner) && Object.getPrototypeOf(inner) !== Object.prototype) {
      // `{ __proto__: x }` literals set the prototype; re-express them as an own key.
      const proto = Object.getPrototypeOf(inner) as unknown;
      return { ...(inner as Record<string, unknown>), ["__proto__"]: proto };
    }
    return inner;
  }).replace(/"\\u005f_proto__"/g, '"__proto__"');
}

const hostileValueArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_VALUES) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.dictionary(
      fc.constantFrom("$gt", "$where", "__proto__", "constructor", "$ne", "a", "$", "$$ROOT"),
      fc.jsonValue({ maxDepth: 2 }),
      { maxKeys: 3 },
    ),
  },
);

/** `{"a":{"a":…}}` or `[[[…]]]` nested `depth` levels, as text (what JSON.parse will face). */
function nested(depth: number, kind: "object" | "array"): string {
  return kind === "object" ? '{"a":'.repeat(depth) + "1" + "}".repeat(depth) : "[".repeat(depth) + "]".repeat(depth);
}

/** Replaces the value at `path` inside a JSON-like template (copying along the way). */
function replaceAt(template: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(template)) {
    const copy = [...template];
    copy[Number(head)] = replaceAt(copy[Number(head)], rest, value);
    return copy;
  }
  const copy: Record<string, unknown> = { ...(template as Record<string, unknown>) };
  Object.defineProperty(copy, head, { value: replaceAt(copy[head], rest, value), enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Every path to a value inside a template (objects and arrays), for targeted replacement. */
function paths(template: unknown, prefix: string[] = []): string[][] {
  const out: string[][] = [prefix];
  if (template !== null && typeof template === "object") {
    for (const [key, inner] of Object.entries(template)) out.push(...paths(inner, [...prefix, key]));
  }
  return out;
}

interface Endpoint {
  method: string;
  path: string;
  template: unknown;
}

describe("hostile input at the router (generated with fast-check)", () => {
  let t: TestApp;
  let baseline: Snapshot;
  let secrets: string[] = [];
  let ownerKey: Key;
  let adminKey: Key;
  /** An access token of `owner` (the token service), for near misses. */
  let accessToken = "";
  const statuses = new Map<number, number>();
  let tried = 0;
  let rejected = 0;
  let accepted = 0;

  const admin = basic("elastic", ADMIN);

  async function check(res: RawResult, context: string, options: { mayChange?: boolean } = {}): Promise<void> {
    tried++;
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    assertSafeResponse(res, secrets, context);
    assert.equal(({} as Record<string, unknown>).polluted, undefined, `${context}: Object.prototype was polluted`);
    if (res.status >= 400 || !options.mayChange) {
      if (res.status >= 400) rejected++;
      assertSameSnapshot(baseline, await snapshot(t.db.connection), `${context} → ${res.status} ${res.text.slice(0, 200)}`);
    } else {
      accepted++;
      baseline = await snapshot(t.db.connection);
      assert.deepEqual(await unsafeStoredKeys(t.db.connection), [], `${context}: request data became a stored key`);
    }
  }

  before(async () => {
    t = await startTestApp("hostile", { failureRateLimit: false, bootstrapPassword: ADMIN });
    const put = async (path: string, body: unknown) => {
      const res = await send(t.baseUrl, {
        method: "PUT",
        path,
        headers: { authorization: admin, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200, res.text);
    };
    await put("/_security/role/fuzz_own_keys", { cluster: ["manage_own_api_key"], indices: [{ names: ["i-*"], privileges: ["read"] }] });
    await put("/_security/user/owner", { password: OWNER, roles: ["fuzz_own_keys"], full_name: "Owner", email: "owner@example.com" });
    await put("/_security/user/nobody", { password: NOBODY, roles: [] });
    await put("/_security/user/sleeper", { password: NOBODY, roles: [], enabled: false });
    const create = async (auth: string, body: unknown): Promise<Key> => {
      const res = await send(t.baseUrl, {
        method: "POST",
        path: "/_security/api_key",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      assert.equal(res.status, 200, res.text);
      return res.body as Key;
    };
    ownerKey = await create(basic("owner", OWNER), { name: "owner-key", metadata: { tag: "fuzz" } });
    adminKey = await create(admin, { name: "admin-key" });
    const extra: Key[] = [];
    // Names that make wildcard and prefix patterns work hard if they were ever regexes.
    for (const name of ["a".repeat(200) + "!", "a".repeat(255), "ab".repeat(100), "x.y*z?[]()", "é😀\\u0000"]) {
      extra.push(
        await create(basic("owner", OWNER), { name, metadata: { tag: name.slice(0, 10), n: extra.length, nested: { deep: [1, "two"] } } }),
      );
    }
    const token = await send(t.baseUrl, {
      method: "POST",
      path: "/_security/oauth2/token",
      headers: { authorization: admin, "content-type": "application/json" },
      body: JSON.stringify({ grant_type: "password", username: "owner", password: OWNER }),
    });
    assert.equal(token.status, 200, token.text);
    accessToken = token.body.access_token as string;
    secrets = [
      ADMIN,
      OWNER,
      NOBODY,
      accessToken,
      token.body.refresh_token as string,
      ...[ownerKey, adminKey, ...extra].flatMap((k) => [k.api_key, k.encoded]),
      ...(await storedHashes(t.db.connection)),
    ];
    baseline = await snapshot(t.db.connection);
  });

  after(async () => {
    closeAgent();
    await t.close();
    const counts = [...statuses.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}×${n}`)
      .join(" ");
    report(
      `hostile input: ${tried} requests tried (${rejected} rejected, ${accepted} accepted, statuses ${counts}); 0 5xx, 0 crashes, nothing changed by a rejection`,
    );
  });

  /** Authorization values: bad base64, no colon, huge, control characters, unicode, wrong schemes, near misses. */
  function authorizationArb(): fc.Arbitrary<string> {
    const scheme = fc.constantFrom(
      "Basic",
      "basic",
      "BASIC",
      "ApiKey",
      "apikey",
      "APIKEY",
      "Bearer",
      "bearer",
      "Digest",
      "Negotiate",
      "Token",
      "",
      "Basic:",
      "ApiKey=",
    );
    const anyText = fc.string({ unit: "binary", maxLength: 64 });
    const nearMiss = fc
      .tuple(fc.constantFrom(ownerKey, adminKey), fc.integer({ min: 0, max: 5 }), fc.string({ minLength: 1, maxLength: 4 }))
      .map(([key, how, junk]) => {
        const flip = (s: string) => s.slice(0, -1) + (s.endsWith("A") ? "B" : "A");
        switch (how) {
          case 0:
            return b64(`${key.id}:${flip(key.api_key)}`);
          case 1:
            return b64(`${key.id}:${key.api_key}${junk}`);
          case 2:
            return b64(`${flip(key.id)}:${key.api_key}`);
          case 3:
            return b64(`${key.id}:${key.api_key.toUpperCase() === key.api_key ? key.api_key.toLowerCase() : key.api_key.toUpperCase()}`);
          case 4:
            return b64(`${key.id}::${key.api_key}`);
          default:
            return b64(`elastic:${ADMIN}${junk}`);
        }
      });
    // Junk that ends in whitespace would be trimmed off the header value by Node, leaving the valid
    // token: the near miss must stay a miss on the wire.
    const tokenJunk = fc.string({ minLength: 1, maxLength: 4 }).filter((s) => s.trimEnd().length === s.length);
    const tokenNearMiss = fc.tuple(fc.integer({ min: 0, max: 4 }), tokenJunk).map(([how, junk]) => {
      const [header = "", payload = "", signature = ""] = accessToken.split(".");
      switch (how) {
        case 0:
          return `${header}.${payload}.${signature.slice(0, -1)}${signature.endsWith("A") ? "B" : "A"}`;
        case 1:
          return `${accessToken}${junk}`;
        case 2:
          return `${header}.${Buffer.from(JSON.stringify({ sub: "elastic", exp: 9_999_999_999 })).toString("base64url")}.${signature}`;
        case 3:
          return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString("base64url")}.${payload}.`;
        default:
          return `${header}.${payload}`;
      }
    });
    const credentials = fc.oneof(
      tokenNearMiss,
      fc.tuple(anyText, anyText).map(([u, p]) => b64(`${u}:${p}`)),
      anyText.filter((s) => !s.includes(":")).map(b64),
      anyText,
      fc.base64String({ maxLength: 40 }).map((s) => s + "="),
      fc.base64String({ maxLength: 40 }).map((s) => s.replace(/=+$/, "")),
      // Past the 8 KiB credential limit, but under Node's 16 KiB header limit (beyond it Node's
      // HTTP parser answers 431 before any middleware runs).
      fc
        .tuple(fc.integer({ min: 8000, max: 12000 }), fc.constantFrom("A", "=", ":", "QUJD", "%"))
        .map(([n, c]) => c.repeat(Math.ceil(n / c.length))),
      fc.integer({ min: 100, max: 600 }).map((n) => "é😀".repeat(n)),
      nearMiss,
      fc.constantFrom('{"$gt":""}', '{"$ne":null}', "elastic\u0000", "*", "$where").map((s) => b64(`${s}:${s}`)),
      fc.constantFrom('{"$gt":""}', "eyJhbGciOiJub25lIn0.eyJzdWIiOiJlbGFzdGljIn0.", "null", "undefined"),
    );
    const separator = fc.constantFrom(" ", "  ", "\t", "", " \t ");
    return fc.tuple(scheme, separator, credentials).map(([s, sep, c]) => toHeaderValue(`${s}${sep}${c}`));
  }

  it("malformed and near-miss Authorization headers are 401s that change nothing", async () => {
    const requests = [
      { method: "GET", path: "/_security/_authenticate", body: undefined },
      { method: "PUT", path: "/_security/user/victim", body: JSON.stringify({ password: "victim-password", roles: ["superuser"] }) },
      { method: "DELETE", path: "/_security/api_key", body: JSON.stringify({ ids: [ownerKey.id, adminKey.id] }) },
      { method: "POST", path: "/_security/api_key", body: JSON.stringify({ name: "intruder" }) },
    ];
    await fc.assert(
      fc.asyncProperty(authorizationArb(), fc.nat(requests.length - 1), async (authorization, which) => {
        const r = requests[which] as (typeof requests)[number];
        const res = await send(t.baseUrl, {
          method: r.method,
          path: r.path,
          headers: { authorization, "content-type": "application/json" },
          ...(r.body ? { body: r.body } : {}),
        });
        await check(res, `${r.method} ${r.path} with Authorization ${JSON.stringify(authorization.slice(0, 80))}`);
        assert.equal(res.status, 401, res.text.slice(0, 300));
      }),
      { numRuns: RUNS.authorization },
    );
  });

  it("es-security-runas-user: a real target or a 403, whatever the value", async () => {
    const target = fc.oneof(
      fc.string({ unit: "binary", maxLength: 40 }),
      fc.constantFrom(
        "owner",
        "nobody",
        "elastic",
        "sleeper",
        "*",
        "_all",
        "owner*",
        "",
        " ",
        '{"$ne":null}',
        "$where",
        "__proto__",
        "constructor",
        "owner\u0000",
      ),
      fc.integer({ min: 1000, max: 12000 }).map((n) => "u".repeat(n)),
    );
    await fc.assert(
      fc.asyncProperty(target, async (raw) => {
        const runAs = toHeaderValue(raw);
        const res = await send(t.baseUrl, {
          method: "GET",
          path: "/_security/_authenticate",
          headers: { authorization: admin, "es-security-runas-user": runAs },
        });
        await check(res, `run-as ${JSON.stringify(runAs.slice(0, 80))}`);
        // Node trims the header's surrounding whitespace before anyone sees it.
        const effective = runAs.replace(/^[\t ]+|[\t ]+$/g, "");
        if (res.status === 200) {
          assert.ok(["owner", "nobody", "elastic"].includes(effective), res.text);
          assert.equal(res.body.username, effective);
        } else if (res.status === 401) {
          assert.equal(effective, "sleeper", res.text);
        } else {
          assert.equal(res.status, 403, res.text);
          assert.match(res.body.error.reason, /is unauthorized for user \[elastic\]/);
        }
      }),
      { numRuns: RUNS.runAs },
    );
  });

  it("es-secondary-authorization: anything but valid credentials is one 401", async () => {
    await fc.assert(
      fc.asyncProperty(authorizationArb(), async (secondary) => {
        const res = await send(t.baseUrl, {
          method: "GET",
          path: "/_security/_authenticate",
          headers: { authorization: admin, "es-secondary-authorization": secondary },
        });
        await check(res, `secondary ${JSON.stringify(secondary.slice(0, 80))}`);
        if (secondary.trim() === "") {
          assert.equal(res.status, 200);
        } else {
          assert.equal(res.status, 401, res.text.slice(0, 300));
          assert.equal(res.body.error.reason, "Failed to authenticate secondary user");
        }
      }),
      { numRuns: RUNS.secondary },
    );
  });

  it("JSON bodies: wrong types, deep nesting, __proto__/constructor keys, MongoDB operators in every field, oversize", async () => {
    const endpoints: Endpoint[] = [
      {
        method: "POST",
        path: "/_security/api_key",
        template: {
          name: "fuzz-key",
          expiration: "1d",
          role_descriptors: { r: { cluster: ["all"], indices: [{ names: ["i"], privileges: ["read"] }] } },
          metadata: { a: { b: 1 } },
        },
      },
      {
        method: "PUT",
        path: `/_security/api_key/${adminKey.id}`,
        template: { metadata: { a: 1 }, role_descriptors: {}, expiration: "2d" },
      },
      { method: "POST", path: "/_security/api_key/_bulk_update", template: { ids: [adminKey.id], metadata: { a: 1 } } },
      { method: "DELETE", path: "/_security/api_key", template: { ids: ["no-such-key-id"], name: "none", owner: false } },
      {
        method: "POST",
        path: "/_security/api_key/grant",
        template: {
          grant_type: "password",
          username: "owner",
          password: "not-the-password",
          run_as: "nobody",
          api_key: { name: "granted", metadata: { a: 1 } },
        },
      },
      {
        method: "PUT",
        path: "/_security/user/fuzz-user",
        template: { password: "fuzz-password", roles: ["r1"], full_name: "F", email: "f@example.com", metadata: { a: 1 }, enabled: true },
      },
      { method: "PUT", path: "/_security/user/fuzz-user/_password", template: { password: "fuzz-password-2" } },
      {
        method: "PUT",
        path: "/_security/role/fuzz-role",
        template: {
          cluster: ["monitor"],
          indices: [{ names: ["i"], privileges: ["read"], field_security: { grant: ["*"] }, query: '{"match_all":{}}' }],
          applications: [{ application: "app", privileges: ["read"], resources: ["*"] }],
          run_as: ["x"],
          metadata: { a: 1 },
        },
      },
      { method: "PUT", path: "/_security/privilege", template: { app: { read: { actions: ["data:read/*"], metadata: { a: 1 } } } } },
      {
        method: "POST",
        path: "/_security/oauth2/token",
        template: { grant_type: "password", username: "owner", password: "not-the-password", scope: "x" },
      },
      { method: "POST", path: "/_security/oauth2/token", template: { grant_type: "refresh_token", refresh_token: "not-a-refresh-token" } },
      {
        method: "DELETE",
        path: "/_security/oauth2/token",
        template: { token: "not-a-token", refresh_token: "not-a-refresh-token", realm_name: "native", username: "nobody" },
      },
      {
        method: "POST",
        path: "/_security/user/_has_privileges",
        template: {
          cluster: ["monitor"],
          index: [{ names: ["i"], privileges: ["read"] }],
          application: [{ application: "app", privileges: ["read"], resources: ["r"] }],
        },
      },
    ];
    const oversize = JSON.stringify({ name: "big", metadata: { blob: "x".repeat(1_100_000) } });
    const contentType = fc.oneof(
      { weight: 8, arbitrary: fc.constant("application/json") },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          "application/vnd.elasticsearch+json; compatible-with=9",
          "application/json; charset=utf-16",
          "text/plain",
          "application/x-www-form-urlencoded",
          "application/json; charset=latin1",
          "application/json; charset=klingon",
        ),
      },
    );
    const bodyFor = (endpoint: Endpoint): fc.Arbitrary<string> => {
      const allPaths = paths(endpoint.template);
      return fc.oneof(
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
        {
          weight: 6,
          arbitrary: fc
            .tuple(fc.constantFrom(...allPaths), hostileValueArb)
            .map(([p, v]) => hostileJson(replaceAt(endpoint.template, p, v))),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(
              fc.constantFrom(...allPaths.filter((p) => p.length > 0)),
              fc.integer({ min: 20, max: 20_000 }),
              fc.constantFrom("object" as const, "array" as const),
            )
            .map(([p, depth, kind]) =>
              hostileJson(replaceAt(endpoint.template, p, "__NESTED__")).replace('"__NESTED__"', nested(depth, kind)),
            ),
        },
        { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 60 }) },
        { weight: 1, arbitrary: fc.nat(60).map((n) => JSON.stringify(endpoint.template).slice(0, n)) },
        { weight: 1, arbitrary: fc.constant(oversize) },
      );
    };
    const arb = fc
      .nat(endpoints.length - 1)
      .chain((i) => fc.tuple(fc.constant(endpoints[i] as Endpoint), bodyFor(endpoints[i] as Endpoint), contentType));
    await fc.assert(
      fc.asyncProperty(arb, async ([endpoint, body, type]) => {
        const res = await send(t.baseUrl, {
          method: endpoint.method,
          path: endpoint.path,
          headers: { authorization: admin, "content-type": type },
          body,
        });
        await check(res, `${endpoint.method} ${endpoint.path} (${type}) ${body.slice(0, 200)}`, { mayChange: true });
        if (body === oversize && type === "application/json") assert.equal(res.status, 413, res.text.slice(0, 300));
      }),
      { numRuns: RUNS.bodies },
    );
  });

  it("query strings and path parameters: hostile names, values, encodings", async () => {
    // Non-empty: a path with an empty segment matches no route and is left to the host app (the
    // router deliberately does not own every /_security path: the admin UI lives there too).
    const segment = fc.oneof(
      fc.string({ unit: "binary", minLength: 1, maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom(
        "%",
        "%E0%A4%A",
        "%00",
        "..",
        "%2e%2e",
        "%2F",
        "%24gt",
        "_all",
        "*",
        "%7B%22%24gt%22%3A%22%22%7D",
        "__proto__",
        "constructor",
        "a,b,,c",
        ",",
        "%FF%FE",
      ),
      fc.integer({ min: 600, max: 4000 }).map((n) => "k".repeat(n)),
    );
    const key = fc.oneof(
      fc.constantFrom(
        "id",
        "name",
        "username",
        "realm_name",
        "owner",
        "active_only",
        "with_limited_by",
        "with_profile_uid",
        "refresh",
        "pretty",
        "typed_keys",
        "id[$gt]",
        "name[]",
        "__proto__",
        "constructor[prototype][x]",
        "owner[$ne]",
        "$where",
        "unknown",
      ),
      fc.string({ maxLength: 12 }),
    );
    const value = fc.oneof(
      fc.string({ unit: "binary", maxLength: 30 }).map(encodeURIComponent),
      fc.constantFrom("", "true", "false", "TRUE", "1", "%", "%24gt", "*", "a*", "_all", "wait_for", "%00"),
    );
    const query = fc
      .array(fc.tuple(key, value), { maxLength: 4 })
      .map((pairs) => (pairs.length ? "?" + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join("&") : ""));
    const targets = [
      (_s: string) => ({ method: "GET", path: "/_security/api_key" }),
      (s: string) => ({ method: "GET", path: `/_security/user/${s}` }),
      (s: string) => ({ method: "GET", path: `/_security/role/${s}` }),
      (s: string) => ({ method: "GET", path: `/_security/privilege/${s}/${s}` }),
      (s: string) => ({ method: "DELETE", path: `/_security/role/${s}` }),
      (s: string) => ({ method: "DELETE", path: `/_security/privilege/${s}/${s}` }),
      (s: string) => ({ method: "POST", path: `/_security/api_key/${s}/_clear_cache` }),
      (s: string) => ({ method: "PUT", path: `/_security/api_key/${s}` }),
      (s: string) => ({ method: "PUT", path: `/_security/user/${s}/_enable` }),
      (s: string) => ({ method: "GET", path: `/_security/user/${s}/_has_privileges` }),
      (_s: string) => ({ method: "GET", path: "/_security/_query/api_key" }),
    ];
    await fc.assert(
      fc.asyncProperty(fc.nat(targets.length - 1), segment, query, async (which, seg, qs) => {
        const target = (targets[which] as (s: string) => { method: string; path: string })(seg);
        const path = target.path + qs;
        const res = await send(t.baseUrl, {
          method: target.method,
          path,
          headers: { authorization: admin, "content-type": "application/json" },
          ...(target.method === "PUT" ? { body: "{}" } : {}),
        });
        await check(res, `${target.method} ${path.slice(0, 200)}`, { mayChange: true });
      }),
      { numRuns: RUNS.paths },
    );
  });

  it("query DSL for /_security/_query/api_key: unknown types, regex bombs, operators, from+size overflow", async () => {
    const field = fc.constantFrom(
      "name",
      "username",
      "realm_name",
      "type",
      "creation",
      "expiration",
      "invalidated",
      "invalidation",
      "metadata",
      "metadata.tag",
      "metadata.nested.deep",
      "metadata.$where",
      "metadata.__proto__",
      "$where",
      "_id",
      "id",
      "__proto__",
      "constructor",
      "hash",
      "api_key_hash",
      "role_descriptors",
      "limited_by",
      "creator.principal",
      "*",
      "",
      "name.keyword",
      "metadata.a.b.c.d.e.f",
    );
    const pattern = fc.oneof(
      fc.integer({ min: 1, max: 30 }).map((n) => "*a".repeat(n) + "*b"),
      fc.integer({ min: 1, max: 16 }).map((n) => "a*".repeat(n) + "!"),
      fc.constantFrom(
        "(a+)+$",
        "(a|aa)*c",
        ".*.*.*.*=",
        "[",
        "\\",
        "\\*",
        "?".repeat(1000),
        "a".repeat(999) + "*",
        "a".repeat(1001),
        "*",
        "?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*?*",
        "${jndi:ldap://x}",
        "\u0000*",
      ),
      fc.string({ unit: "binary", maxLength: 30 }),
    );
    const value = fc.oneof({ weight: 3, arbitrary: hostileValueArb }, { weight: 2, arbitrary: pattern });
    const leaf = fc.oneof(
      fc.tuple(field, value).map(([f, v]) => ({ term: { [f]: v } })),
      fc.tuple(field, value).map(([f, v]) => ({ term: { [f]: { value: v, case_insensitive: true } } })),
      fc.tuple(field, fc.array(value, { maxLength: 4 })).map(([f, v]) => ({ terms: { [f]: v } })),
      fc.tuple(field, value).map(([f, v]) => ({ match: { [f]: v } })),
      fc.tuple(field, pattern).map(([f, v]) => ({ prefix: { [f]: v } })),
      fc.tuple(field, pattern, fc.boolean()).map(([f, v, ci]) => ({ wildcard: { [f]: { value: v, case_insensitive: ci } } })),
      fc
        .tuple(
          field,
          value,
          value,
          fc.constantFrom(undefined, "epoch_millis", "yyyy", "strict_date_optional_time||epoch_millis", "%s", "'T'"),
          fc.constantFrom(undefined, "+01:00", "Mars/Olympus", "$where"),
        )
        .map(([f, a, b, format, tz]) => ({
          range: { [f]: { gte: a, lt: b, ...(format ? { format } : {}), ...(tz ? { time_zone: tz } : {}) } },
        })),
      field.map((f) => ({ exists: { field: f } })),
      fc.array(value, { maxLength: 4 }).map((values) => ({ ids: { values } })),
      fc.tuple(pattern, fc.array(field, { maxLength: 3 })).map(([q, fields]) => ({ simple_query_string: { query: q, fields } })),
      fc.constantFrom(
        { match_all: {} },
        { match_all: { $where: 1 } },
        { $where: "sleep(100)" },
        { script: { script: "1" } },
        { regexp: { name: "(a+)+" } },
        { fuzzy: { name: "x" } },
        { nested: { path: "x", query: {} } },
        { unknown_query_type: {} },
        { __proto__: { polluted: true } },
        {},
        { term: {} },
        { bool: {} },
        { bool: { must: {} } },
      ),
      hostileValueArb,
    );
    const { query } = fc.letrec((tie) => ({
      query: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        fc
          .record(
            {
              must: fc.array(tie("query"), { maxLength: 3 }),
              should: fc.array(tie("query"), { maxLength: 3 }),
              filter: fc.oneof(tie("query"), fc.array(tie("query"), { maxLength: 2 })),
              must_not: fc.array(tie("query"), { maxLength: 2 }),
              minimum_should_match: fc.oneof(fc.integer(), fc.constantFrom("50%", "-1", "2<75%", "99999999999999", "x", "%", { $gt: 1 })),
            },
            { requiredKeys: [] },
          )
          .map((bool) => ({ bool })),
      ),
    }));
    const number = fc.oneof(
      fc.integer(),
      fc.constantFrom(2 ** 31, 2 ** 53, 1e308, -1, 9999, 10_000, 10_001, "10", "1e3", "NaN", "-0", null, [], {}, { $gt: 0 }),
      fc.double(),
    );
    const sort = fc.oneof(
      fc.constantFrom(
        "name",
        "-name",
        { creation: "desc" },
        { $where: 1 },
        ["_doc"],
        [{ name: { order: "sideways" } }],
        { "metadata.tag": { order: "asc", missing: "_first" } },
        [{ _score: {} }],
        "__proto__",
        [{ expiration: { format: "%%" } }],
      ),
      fc.jsonValue({ maxDepth: 2 }),
    );
    const aggs = fc.dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "$where", "a>b", "[x]")),
      fc.oneof(
        field.map((f) => ({ terms: { field: f, size: 2 ** 31 } })),
        field.map((f) => ({ cardinality: { field: f } })),
        fc.tuple(field, query).map(([f, q]) => ({ filter: q, aggs: { inner: { value_count: { field: f } } } })),
        fc.tuple(field, number).map(([f, n]) => ({ range: { field: f, ranges: [{ from: n, to: n }] } })),
        fc
          .tuple(field, fc.constantFrom("1d", "1y", "0s", "-1d", "1ms", "$where"))
          .map(([f, i]) => ({ date_range: { field: f, ranges: [{ from: `now-${i}` }] } })),
        field.map((f) => ({ composite: { sources: [{ a: { terms: { field: f } } }], size: 2 ** 31 } })),
        fc.constantFrom(
          { scripted_metric: {} },
          { top_hits: {} },
          {},
          { terms: {} },
          { terms: { field: "name" }, aggs: { deeper: { terms: { field: "username" } } } },
        ),
        hostileValueArb,
      ),
      { maxKeys: 3 },
    );
    const body = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record(
          { query, from: number, size: number, sort, search_after: fc.array(hostileValueArb, { maxLength: 3 }), aggs },
          { requiredKeys: [] },
        ),
      },
      { weight: 2, arbitrary: query.map((q) => ({ query: q })) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      {
        weight: 1,
        arbitrary: fc
          .integer({ min: 25, max: 3000 })
          .map((depth) => ({ query: JSON.parse("__D__".replace("__D__", nested(Math.min(depth, 1000), "object"))) as unknown })),
      },
    );
    const callers = [admin, basic("owner", OWNER), `ApiKey ${ownerKey.encoded}`, basic("nobody", NOBODY)];
    let slowest = 0;
    await fc.assert(
      fc.asyncProperty(body, fc.nat(callers.length - 1), fc.boolean(), async (b, who, asGet) => {
        const text = hostileJson(b);
        const res = await send(t.baseUrl, {
          method: asGet ? "GET" : "POST",
          path: "/_security/_query/api_key",
          headers: { authorization: callers[who] as string, "content-type": "application/json" },
          body: text,
        });
        slowest = Math.max(slowest, res.ms);
        await check(res, `query ${text.slice(0, 300)}`);
        assert.ok(res.ms < 3000, `query took ${res.ms} ms: ${text.slice(0, 300)}`);
      }),
      { numRuns: RUNS.queryDsl },
    );
    report(`query DSL: slowest of ${RUNS.queryDsl} generated queries answered in ${slowest} ms`);
  });
});
