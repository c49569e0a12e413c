import assert from "node:assert/strict";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import express, { type NextFunction, type Request, type Response } from "express";
import { createSecurity, SecurityError, type InternalErrorRequest, type Security, type SecurityOptions } from "../../../lib/index.js";
import { assertExpressUnderTest, EXPRESS_MAJOR_UNDER_TEST } from "../../support/assert-express-under-test.js";
import { openTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { assertElasticsearchError, basic, send, type RawResult } from "../reliability/reliability-support.js";

// `security.errorHandler()` mounted last on an app that parses JSON itself before the security
// layer, as the README shows: the app's parser errors on the security API and on guarded routes,
// security errors from anywhere and unexpected errors on `/_security` leave Elasticsearch-shaped;
// the app's other errors reach the app's own handler.

const PASSWORD = "error-handler-pass";
const ADMIN = basic("elastic", PASSWORD);
const STACK = /\n\s+at |node_modules|\.js:\d+:\d+/;

interface Running {
  base: string;
  security: Security;
  close(): Promise<void>;
}

/** The README's mount, plus a public route before the security layer and the host's own error handler after it. */
async function start(db: TestDatabase, options: Partial<SecurityOptions>, hostLimit: string, strict = true): Promise<Running> {
  const security = createSecurity({
    connection: db.connection,
    bootstrapPassword: PASSWORD,
    passwordHashCost: 4,
    failureRateLimit: false,
    ...options,
  });
  await security.start();
  const app = express();
  app.use(express.json({ limit: hostLimit, strict }));
  app.post("/public", (_req, res) => void res.json({ public: true }));
  app.get("/public/throws", () => {
    throw new Error("host failure");
  });
  app.get("/public/security-error", () => {
    throw new SecurityError(409, "version_conflict_engine_exception", "thrown by the host");
  });
  app.use("/_security/boom", () => {
    throw new Error("host middleware failure s3cret");
  });
  app.use("/es/_security/boom", () => {
    throw new Error("host middleware failure under a prefix s3cret");
  });
  app.use(security.authenticate());
  app.use(security.router());
  // The same API mounted under a prefix as well (`apiBase` of the admin page).
  app.use("/es", security.router());
  const shop = express.Router();
  shop.post("/orders", security.requirePrivileges({ cluster: ["monitor"] }), (req, res) => void res.json({ got: req.body as unknown }));
  shop.get("/throws", () => {
    throw new Error("guarded host failure");
  });
  app.use("/shop", shop);
  app.use(security.errorHandler());
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    res
      .status(500)
      .type("text/plain")
      .send(`host handler: ${error instanceof Error ? error.message : String(error)}`);
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    security,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await security.close();
    },
  };
}

function assertShaped(res: RawResult, status: number, type: string, context: string): void {
  assert.equal(res.status, status, `${context}: ${res.text.slice(0, 300)}`);
  assertElasticsearchError(res, context);
  assert.equal((res.body as { error: { type: string } }).error.type, type, context);
  assert.doesNotMatch(res.text, STACK, `${context}: stack trace`);
  assert.doesNotMatch(res.text, /<!DOCTYPE|<html/i, `${context}: HTML page`);
}

describe("security.errorHandler() behind the app's own body parser", () => {
  let db: TestDatabase;
  let app: Running;
  let quiet: Running;
  const reports: Array<{ error: unknown; request: InternalErrorRequest }> = [];

  before(async () => {
    db = await openTestDatabase("error_handler");
    app = await start(db, { bodyLimit: "4kb", onInternalError: (error, request) => void reports.push({ error, request }) }, "100kb");
    quiet = await start(db, { elasticProductHeader: false }, "100kb", false);
  });

  after(async () => {
    await app?.close();
    await quiet?.close();
    await db?.drop();
  });

  it(`runs on Express ${EXPRESS_MAJOR_UNDER_TEST}, the library's own import included`, () => {
    assertExpressUnderTest(app.security.router());
  });

  it("answers the app parser's malformed JSON on /_security as a 400 x_content_parse_exception", async () => {
    const res = await send(app.base, {
      method: "POST",
      path: "/_security/user/_has_privileges",
      headers: { authorization: ADMIN, "content-type": "application/json" },
      body: '{"cluster": [',
    });
    assertShaped(res, 400, "x_content_parse_exception", "malformed");
    assert.equal(res.headers["x-elastic-product"], "Elasticsearch");
  });

  it("answers a 2 MB body as a 413, on /_security and on a guarded route", async () => {
    const big = JSON.stringify({ a: "x".repeat(2 * 1024 * 1024) });
    const headers = { authorization: ADMIN, "content-type": "application/json" };
    assertShaped(
      await send(app.base, { method: "PUT", path: "/_security/role/big", headers, body: big }),
      413,
      "content_too_long_exception",
      "/_security",
    );
    assertShaped(
      await send(app.base, { method: "POST", path: "/shop/orders", headers, body: big }),
      413,
      "content_too_long_exception",
      "guarded",
    );
  });

  it("answers an unsupported charset or content encoding as a 415", async () => {
    const charset = await send(app.base, {
      method: "POST",
      path: "/shop/orders",
      headers: { authorization: ADMIN, "content-type": "application/json; charset=x-bogus" },
      body: "{}",
    });
    assertShaped(charset, 415, "illegal_argument_exception", "charset");
    const encoding = await send(app.base, {
      method: "POST",
      path: "/_security/api_key",
      headers: { authorization: ADMIN, "content-type": "application/json", "content-encoding": "x-bogus" },
      body: "{}",
    });
    assertShaped(encoding, 415, "illegal_argument_exception", "encoding");
  });

  it("leaves the parser errors of the app's unguarded routes, and its other errors, to the app's handler", async () => {
    const malformed = await send(app.base, { method: "POST", path: "/public", headers: { "content-type": "application/json" }, body: "{" });
    assert.equal(malformed.status, 500);
    assert.match(malformed.text, /^host handler: /);
    const guardedThrow = await send(app.base, { method: "GET", path: "/shop/throws", headers: { authorization: ADMIN } });
    assert.equal(guardedThrow.text, "host handler: guarded host failure");
    const publicThrow = await send(app.base, { method: "GET", path: "/public/throws" });
    assert.equal(publicThrow.text, "host handler: host failure");
  });

  it("renders a SecurityError thrown by any of the app's routes", async () => {
    assertShaped(
      await send(app.base, { method: "GET", path: "/public/security-error" }),
      409,
      "version_conflict_engine_exception",
      "host SecurityError",
    );
  });

  it("answers an unexpected error on a /_security path with the opaque 500 and reports it", async () => {
    reports.length = 0;
    const res = await send(app.base, { method: "GET", path: "/_security/boom?x=1" });
    assertShaped(res, 500, "exception", "boom");
    assert.doesNotMatch(res.text, /s3cret/);
    assert.equal(reports.length, 1);
    assert.deepEqual(reports[0]?.request, { method: "GET", path: "/_security/boom" });
  });

  it("knows the security router wherever it is mounted: an unexpected error under /es/_security is the opaque 500 too", async () => {
    reports.length = 0;
    const res = await send(app.base, { method: "GET", path: "/es/_security/boom" });
    assertShaped(res, 500, "exception", "prefixed boom");
    assert.doesNotMatch(res.text, /s3cret/);
    assert.equal(reports.length, 1);
    const malformed = await send(app.base, {
      method: "POST",
      path: "/es/_security/api_key",
      headers: { authorization: ADMIN, "content-type": "application/json" },
      body: "{",
    });
    assertShaped(malformed, 400, "x_content_parse_exception", "prefixed malformed");
  });

  it("still applies the router's own size limit to a body the app's parser read", async () => {
    const body = JSON.stringify({ metadata: { pad: "x".repeat(5000) } });
    const plain = await send(app.base, {
      method: "POST",
      path: "/_security/api_key",
      headers: { authorization: ADMIN, "content-type": "application/json" },
      body,
    });
    assertShaped(plain, 413, "content_too_long_exception", "over bodyLimit");
    const zipped = gzipSync(body);
    const compressed = await send(app.base, {
      method: "POST",
      path: "/_security/api_key",
      headers: { authorization: ADMIN, "content-type": "application/json", "content-encoding": "gzip" },
      body: zipped,
    });
    assertShaped(compressed, 413, "content_too_long_exception", "compressed, over bodyLimit once inflated");
  });

  it("parses Elasticsearch's vendor media type, which the app's parser leaves alone", async () => {
    const res = await send(app.base, {
      method: "POST",
      path: "/_security/api_key",
      headers: { authorization: ADMIN, "content-type": "application/vnd.elasticsearch+json; compatible-with=9" },
      body: JSON.stringify({ name: "vendor-type" }),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal((res.body as { name: string }).name, "vendor-type");
  });

  it("refuses a bare JSON value that a non-strict app parser let through", async () => {
    const res = await send(quiet.base, {
      method: "PUT",
      path: "/_security/role/bare",
      headers: { authorization: ADMIN, "content-type": "application/json" },
      body: '"just a string"',
    });
    assertShaped(res, 400, "x_content_parse_exception", "bare value");
  });

  it("follows elasticProductHeader: no x-elastic-product when it is off", async () => {
    const res = await send(quiet.base, {
      method: "POST",
      path: "/_security/api_key",
      headers: { authorization: ADMIN, "content-type": "application/json" },
      body: "{",
    });
    assertShaped(res, 400, "x_content_parse_exception", "quiet");
    assert.equal(res.headers["x-elastic-product"], undefined);
  });

  it("answers a /_security path without a handler in Elasticsearch's shape, not with the host's 404 page", async () => {
    const res = await send(app.base, { method: "PATCH", path: "/_security/no_such_api?x=1", headers: { authorization: ADMIN } });
    assertShaped(res, 400, "illegal_argument_exception", "no handler");
    assert.equal(
      (res.body as { error: { reason: string } }).error.reason,
      "no handler found for uri [/_security/no_such_api] and method [PATCH]",
    );
  });

  it("answers a known /_security path asked with a method it does not take with Elasticsearch's 405 and Allow", async () => {
    const res = await send(app.base, { method: "DELETE", path: "/_security/_authenticate", headers: { authorization: ADMIN } });
    assert.equal(res.status, 405);
    assert.deepEqual(res.body, {
      error: "Incorrect HTTP method for uri [/_security/_authenticate] and method [DELETE], allowed: [GET]",
      status: 405,
    });
    assert.equal(res.headers.allow, "GET");
    const role = await send(app.base, { method: "PATCH", path: "/_security/role/some_role", headers: { authorization: ADMIN } });
    assert.equal(role.status, 405);
    assert.equal(role.headers.allow, "GET,POST,PUT,DELETE");
    const options = await send(app.base, { method: "OPTIONS", path: "/_security/_authenticate", headers: { authorization: ADMIN } });
    assert.equal(options.status, 200);
    assert.equal(options.headers.allow, "GET");
  });

  it("registers the whole API under one /_security layer of the router", () => {
    const router = app.security.router() as unknown as { stack: unknown[] };
    assert.equal(router.stack.length, 1);
  });
});
