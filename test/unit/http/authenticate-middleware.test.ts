import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { after, before, describe, it } from "node:test";
import express from "express";
import type { AuditEvent } from "../../../lib/model/audit-event.js";
import { Authentication } from "../../../lib/model/authentication.js";
import type { SecurityHeaders } from "../../../lib/authc/authentication-service.js";
import { ParsedAuthorization } from "../../../lib/authc/parsed-authorization.js";
import { createAuthenticateMiddleware, type RequestAuthenticationDeps } from "../../../lib/http/authenticate-middleware.js";
import { createResponder } from "../../../lib/http/responder.js";
import { authenticationError } from "../../../lib/support/security-error.js";

// The middleware reads the `Authorization` header once into one ParsedAuthorization that the
// cache path, the full chain and the audit trail all share, and it needs of the security layer
// only the few functions of RequestAuthenticationDeps.

const ALICE = new Authentication({
  user: { username: "alice", roles: [], full_name: null, email: null, metadata: {}, enabled: true },
  authenticationRealm: { name: "native", type: "native" },
  type: "realm",
});

function basic(username: string, password: string): string {
  return "Basic " + Buffer.from(`${username}:${password}`).toString("base64");
}

describe("authenticate middleware", () => {
  const seen: Array<{ path: "cache" | "full"; authorization: SecurityHeaders["authorization"] }> = [];
  const events: AuditEvent[] = [];
  let server: Server;
  let base: string;

  const deps: RequestAuthenticationDeps = {
    authentication: {
      authenticateFromCache(headers) {
        seen.push({ path: "cache", authorization: headers.authorization });
        return undefined;
      },
      authenticate(headers) {
        seen.push({ path: "full", authorization: headers.authorization });
        const credentials = ParsedAuthorization.of(headers.authorization).credentials;
        if (credentials?.scheme === "basic" && credentials.password === "right") return Promise.resolve({ authentication: ALICE });
        return Promise.reject(authenticationError("unable to authenticate"));
      },
    },
    audit: { emit: (build) => void events.push(build()) },
    config: { storeTimeoutMs: 5_000 },
  };

  before(async () => {
    const app = express();
    app.use(createAuthenticateMiddleware(deps, undefined, createResponder({ elasticProductHeader: true })));
    app.get("/", (req, res) => void res.json({ username: req.security?.authentication.user.username }));
    server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("hands the cache path, the chain and the audit one parsed header", async () => {
    seen.length = 0;
    events.length = 0;
    const res = await fetch(base + "/", { headers: { authorization: basic("alice", "wrong") } });
    assert.equal(res.status, 401);
    assert.deepEqual(
      seen.map((s) => s.path),
      ["cache", "full"],
    );
    const [cache, full] = seen.map((s) => s.authorization);
    assert.ok(cache instanceof ParsedAuthorization);
    assert.equal(full, cache, "the full path gets the value the cache path got, not the header again");
    assert.equal(cache.header, basic("alice", "wrong"));
    assert.equal(cache.credentials, cache.credentials, "decoded once, then remembered");
    const failure = events.find((e) => e.type === "authentication_failure");
    assert.ok(failure && failure.type === "authentication_failure");
    assert.equal(failure.credential, "basic");
    assert.equal(failure.username, "alice");
  });

  it("authenticates through the same value", async () => {
    seen.length = 0;
    events.length = 0;
    const res = await fetch(base + "/", { headers: { authorization: basic("alice", "right") } });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { username: "alice" });
    assert.equal(seen[0]?.authorization, seen[1]?.authorization);
    assert.deepEqual(
      events.map((e) => e.type),
      ["authentication_success"],
    );
  });
});

describe("ParsedAuthorization", () => {
  it("decodes on first use only, and is passed through as it is", () => {
    const parsed = new ParsedAuthorization(basic("bob", "pw"));
    const credentials = parsed.credentials;
    assert.deepEqual(credentials, { scheme: "basic", username: "bob", password: "pw" });
    assert.equal(parsed.credentials, credentials);
    assert.equal(ParsedAuthorization.of(parsed), parsed);
    assert.equal(ParsedAuthorization.of(undefined).credentials, undefined);
  });

  it("peeks at a plain Bearer token for the caches, and leaves anything else to the decoder", () => {
    assert.equal(new ParsedAuthorization("Bearer abc.def").bearerCandidate, "abc.def");
    assert.equal(new ParsedAuthorization("bearer abc.def ").bearerCandidate, "abc.def");
    assert.equal(new ParsedAuthorization("  Bearer abc").bearerCandidate, undefined);
    assert.equal(new ParsedAuthorization(basic("bob", "pw")).bearerCandidate, undefined);
    const decoded = new ParsedAuthorization("  Bearer abc");
    assert.deepEqual(decoded.credentials, { scheme: "bearer", token: "abc" });
    assert.equal(decoded.bearerCandidate, "abc", "once decoded, the decoded token");
  });
});
