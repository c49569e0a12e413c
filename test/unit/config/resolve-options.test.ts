import assert from "node:assert/strict";
import { describe, it } from "node:test";
import mongoose from "mongoose";
import { createSecurity, type SecurityOptions } from "../../../lib/index.js";
import { resolveOptions } from "../../../lib/config/resolve-options.js";

const connection = mongoose.createConnection();

function attempt(options: unknown): TypeError {
  try {
    createSecurity(options as SecurityOptions);
  } catch (error) {
    assert.ok(error instanceof TypeError, `expected a TypeError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected createSecurity to throw");
}

describe("createSecurity option validation", () => {
  it("builds with just a connection", () => {
    const security = createSecurity({ connection });
    assert.equal(typeof security.authenticate, "function");
    assert.equal(typeof security.router, "function");
  });

  it("names the bad option, the value and the fix", () => {
    assert.match(attempt(undefined).message, /needs an options object/);
    assert.match(attempt({}).message, /option connection must be a mongoose Connection/);
    assert.match(attempt({ connection, colectionPrefix: "x" }).message, /option colectionPrefix is not an option/);
    assert.match(attempt({ connection, collectionPrefix: "bad prefix!" }).message, /collectionPrefix/);
    assert.match(attempt({ connection, bootstrapPassword: "123" }).message, /bootstrapPassword must be a string of at least 6 characters/);
    assert.match(attempt({ connection, passwordHashCost: 3 }).message, /passwordHashCost must be an integer from 4 to 31 \(got 3\)/);
    assert.match(attempt({ connection, credentialCacheTtl: "5 minutes" }).message, /credentialCacheTtl must be a duration/);
    assert.match(
      attempt({ connection, realms: [{ name: "native", type: "x", authenticate: async () => null }] }).message,
      /duplicates the realm name "native"/,
    );
    assert.match(attempt({ connection, realms: [{ name: "r" }] }).message, /realms\[0\]/);
    // The built-in subjects' realm names (`_es_api_key`, `__anonymous`) must stay unambiguous.
    assert.match(
      attempt({ connection, realms: [{ name: "_es_api_key", type: "_es_api_key", authenticate: async () => null }] }).message,
      /realms\[0\]\.name must be non-empty and must not start with "_"/,
    );
    assert.match(
      attempt({ connection, nativeRealmName: "__anonymous" }).message,
      /nativeRealmName must be a non-empty string not starting with "_"/,
    );
    assert.match(
      attempt({ connection, realms: [{ name: "s", type: "session", credentialsFromCookies: "yes", authenticate: async () => null }] })
        .message,
      /realms\[0\]\.credentialsFromCookies must be a boolean/,
    );
    assert.match(
      attempt({ connection, roles: { broken: { cluster: ["no_such_privilege"] } } }).message,
      /roles\.broken is not a valid role descriptor/,
    );
    assert.match(attempt({ connection, anonymous: { roles: "all" } }).message, /anonymous must be/);
    assert.match(attempt({ connection, failureRateLimit: { limit: 0 } }).message, /failureRateLimit\.limit/);
  });

  it("failureRateLimit: per-pair and per-address limits, defaults and validation", () => {
    assert.deepEqual(resolveOptions({ connection }).failureRateLimit, {
      limit: 10,
      windowMs: 900_000,
      addressLimit: 200,
      addressWindowMs: 900_000,
    });
    assert.deepEqual(
      resolveOptions({ connection, failureRateLimit: { limit: 5, window: "1m", address: { limit: 50, window: "10m" } } }).failureRateLimit,
      {
        limit: 5,
        windowMs: 60_000,
        addressLimit: 50,
        addressWindowMs: 600_000,
      },
    );
    // The ceiling follows a raised pair limit rather than undercut it.
    assert.equal(resolveOptions({ connection, failureRateLimit: { limit: 1000 } }).failureRateLimit?.addressLimit, 1000);
    assert.equal(resolveOptions({ connection, failureRateLimit: false }).failureRateLimit, undefined);
    assert.match(
      attempt({ connection, failureRateLimit: { limit: 10, address: { limit: 5 } } }).message,
      /failureRateLimit\.address\.limit must be at least failureRateLimit\.limit/,
    );
    assert.match(attempt({ connection, failureRateLimit: { address: { window: "soon" } } }).message, /failureRateLimit\.address\.window/);
    assert.match(
      attempt({ connection, failureRateLimit: { address: { limt: 5 } } }).message,
      /failureRateLimit\.address\.limt is not an option/,
    );
    assert.match(attempt({ connection, failureRateLimit: { perAddress: 5 } }).message, /failureRateLimit\.perAddress is not an option/);
    assert.match(attempt({ connection, failureRateLimit: { address: 5 } }).message, /failureRateLimit\.address must be/);
  });

  it("validates requirePrivileges requirements at construction", () => {
    const security = createSecurity({ connection });
    assert.throws(() => security.requirePrivileges({ cluster: "all" as unknown as string[] }), TypeError);
  });
});
