import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAuthenticationRecord, type AuthenticationRecord } from "../../../../lib/authc/background/authentication-record.js";
import { InvalidAuthenticationRecordError } from "../../../../lib/authc/background/invalid-authentication-record-error.js";
import { SecurityError } from "../../../../lib/support/security-error.js";

const realmRecord: AuthenticationRecord = {
  version: 1,
  type: "realm",
  username: "carol",
  realm: { name: "native", type: "native" },
  authentication_type: "realm",
  source: "secondary",
  captured_at: 1_767_225_600_000,
};

const keyRecord: AuthenticationRecord = {
  version: 1,
  type: "api_key",
  username: "carol",
  realm: { name: "native", type: "native" },
  authentication_type: "api_key",
  source: "primary",
  captured_at: 1_767_225_600_000,
  api_key: { id: "abcdefghijklmnopqrst", name: "nightly" },
};

function rejects(value: unknown, reason: RegExp): void {
  assert.throws(
    () => parseAuthenticationRecord(value),
    (error: unknown) => {
      assert.ok(error instanceof InvalidAuthenticationRecordError, `not an InvalidAuthenticationRecordError: ${String(error)}`);
      assert.ok(error instanceof SecurityError);
      assert.equal(error.code, "ERR_KEYGUARD_INVALID_AUTHENTICATION_RECORD");
      assert.equal(error.status, 400);
      assert.equal(error.type, "illegal_argument_exception");
      assert.match(error.reason, reason);
      return true;
    },
  );
}

describe("parseAuthenticationRecord", () => {
  it("accepts both record types and survives a JSON round trip unchanged", () => {
    for (const record of [realmRecord, keyRecord]) {
      const stored: unknown = JSON.parse(JSON.stringify(record));
      assert.deepEqual(parseAuthenticationRecord(stored), record);
    }
    assert.deepEqual(parseAuthenticationRecord({ ...keyRecord, api_key: { id: "x", name: null }, authentication_type: "token" }), {
      ...keyRecord,
      api_key: { id: "x", name: null },
      authentication_type: "token",
    });
  });

  it("returns a copy, not the caller's object", () => {
    const input = structuredClone(realmRecord);
    const parsed = parseAuthenticationRecord(input);
    assert.notEqual(parsed, input);
    assert.notEqual(parsed.realm, input.realm);
  });

  it("refuses anything that is not a plain object", () => {
    for (const value of [null, undefined, "text", 1, [], [realmRecord], new Date(), JSON.stringify(realmRecord)])
      rejects(value, /expected an object/);
  });

  it("refuses unknown versions, types and enums", () => {
    rejects({ ...realmRecord, version: 2 }, /unsupported version \[2\], expected \[1\]/);
    rejects({ ...realmRecord, version: "1" }, /unsupported version \[string\]/);
    rejects({ ...realmRecord, type: "token" }, /\[type\] must be one of \[realm, api_key\]/);
    rejects({ ...realmRecord, source: "tertiary" }, /\[source\]/);
    rejects({ ...realmRecord, authentication_type: "api_key" }, /\[authentication_type\] must be one of \[realm, token\]/);
    rejects({ ...keyRecord, authentication_type: "realm" }, /\[authentication_type\] must be one of \[api_key, token\]/);
  });

  it("refuses unexpected fields anywhere, including a password or __proto__", () => {
    rejects({ ...realmRecord, password: "secret" }, /unexpected field \[password\]/);
    rejects({ ...realmRecord, api_key: keyRecord.api_key }, /unexpected field \[api_key\]/);
    rejects({ ...keyRecord, api_key: { ...keyRecord.api_key, api_key: "secret" } }, /unexpected field \[api_key\.api_key\]/);
    rejects({ ...realmRecord, realm: { name: "native", type: "native", $where: "1" } }, /unexpected field \[realm\.\$where\]/);
    rejects(JSON.parse(`{"__proto__":{"admin":true},${JSON.stringify(realmRecord).slice(1)}`), /unexpected field \[__proto__\]/);
  });

  it("checks every field's type and size", () => {
    rejects({ ...realmRecord, username: "" }, /\[username\] must be a non-empty string/);
    rejects({ ...realmRecord, username: { $ne: null } }, /\[username\]/);
    rejects({ ...realmRecord, username: "u".repeat(1025) }, /at most 1024/);
    rejects({ ...realmRecord, realm: "native" }, /\[realm\] must be an object/);
    rejects({ ...realmRecord, realm: { name: "native" } }, /\[realm\.type\]/);
    rejects({ ...realmRecord, captured_at: -1 }, /\[captured_at\]/);
    rejects({ ...realmRecord, captured_at: 1.5 }, /\[captured_at\]/);
    rejects({ ...realmRecord, captured_at: "2026-01-01" }, /\[captured_at\]/);
    rejects({ ...keyRecord, api_key: "abc" }, /\[api_key\] must be an object/);
    rejects({ ...keyRecord, api_key: { id: 7, name: null } }, /\[api_key\.id\]/);
    rejects({ ...keyRecord, api_key: { id: "abc", name: 7 } }, /\[api_key\.name\]/);
    rejects({ ...keyRecord, api_key: { id: ["abc"], name: null } }, /\[api_key\.id\]/);
  });
});
