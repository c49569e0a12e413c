import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Authentication, API_KEY_REALM, type ApiKeyRef, type User } from "../../../../lib/model/authentication.js";
import { captureAuthentication, type CaptureOptions } from "../../../../lib/authc/background/capture-authentication.js";
import { parseAuthenticationRecord } from "../../../../lib/authc/background/authentication-record.js";
import { throwsSecurityError } from "../../../support/throws-security-error.js";

const NATIVE = { name: "native", type: "native" };
const user = (username: string, roles: string[] = []): User => ({
  username,
  roles,
  full_name: null,
  email: null,
  metadata: {},
  enabled: true,
});
const options = (overrides: Partial<CaptureOptions> = {}): CaptureOptions => ({
  source: "primary",
  now: 1234,
  canLookup: () => true,
  ...overrides,
});
const apiKey: ApiKeyRef = {
  id: "key-id-0000000000000",
  name: "nightly",
  metadata: {},
  roleDescriptors: {},
  limitedBy: {},
  creatorRealm: NATIVE,
};

describe("captureAuthentication", () => {
  it("records a realm user by username and realm", () => {
    const auth = new Authentication({ user: user("carol", ["shop_reader"]), authenticationRealm: NATIVE, type: "realm" });
    const record = captureAuthentication(auth, options({ source: "secondary" }));
    assert.deepEqual(record, {
      version: 1,
      username: "carol",
      source: "secondary",
      captured_at: 1234,
      type: "realm",
      realm: NATIVE,
      authentication_type: "realm",
    });
    assert.deepEqual(parseAuthenticationRecord(JSON.parse(JSON.stringify(record))), record);
  });

  it("records an API key by id, with its owner, and no secret or descriptors", () => {
    const auth = new Authentication({ user: user("carol"), authenticationRealm: API_KEY_REALM, type: "api_key", apiKey });
    const record = captureAuthentication(auth, options());
    assert.deepEqual(record, {
      version: 1,
      username: "carol",
      source: "primary",
      captured_at: 1234,
      type: "api_key",
      realm: NATIVE,
      authentication_type: "api_key",
      api_key: { id: "key-id-0000000000000", name: "nightly" },
    });
    assert.doesNotMatch(JSON.stringify(record), /limited|descriptor|secret/);
  });

  it("records a token's underlying user and realm (tokens expire; the work must not)", () => {
    const auth = new Authentication({
      user: user("dave"),
      authenticationRealm: { name: "ldap1", type: "ldap" },
      type: "token",
      token: { id: "t1" },
    });
    const record = captureAuthentication(auth, options());
    assert.equal(record.type, "realm");
    assert.equal(record.authentication_type, "token");
    assert.deepEqual(record.realm, { name: "ldap1", type: "ldap" });
    assert.doesNotMatch(JSON.stringify(record), /t1/);
  });

  it("records a token minted by an API key as that key", () => {
    const auth = new Authentication({
      user: user("carol"),
      authenticationRealm: API_KEY_REALM,
      type: "token",
      apiKey,
      token: { id: "t2" },
    });
    const record = captureAuthentication(auth, options());
    assert.equal(record.type, "api_key");
    assert.equal(record.authentication_type, "token");
  });

  it("records the run-as target in its lookup realm, not the authenticating user or key", () => {
    const admin = new Authentication({ user: user("elastic", ["superuser"]), authenticationRealm: NATIVE, type: "realm" });
    const runAs = admin.runAs(user("carol"), { name: "file", type: "file" });
    assert.deepEqual(captureAuthentication(runAs, options()), {
      version: 1,
      username: "carol",
      source: "primary",
      captured_at: 1234,
      type: "realm",
      realm: { name: "file", type: "file" },
      authentication_type: "realm",
    });
    const keyRunAs = new Authentication({ user: user("svc"), authenticationRealm: API_KEY_REALM, type: "api_key", apiKey }).runAs(
      user("carol"),
      NATIVE,
    );
    assert.equal(captureAuthentication(keyRunAs, options()).type, "realm");
  });

  it("refuses identities that could never be restored", () => {
    const anonymous = new Authentication({
      user: user("_anonymous"),
      authenticationRealm: { name: "__anonymous", type: "anonymous" },
      type: "anonymous",
    });
    throwsSecurityError(
      () => captureAuthentication(anonymous, options()),
      "illegal_argument_exception",
      "an identity authenticated as [anonymous] cannot be captured for background work",
    );
    const sessionUser = new Authentication({ user: user("sam"), authenticationRealm: { name: "session", type: "session" }, type: "realm" });
    const asked: string[] = [];
    throwsSecurityError(
      () => captureAuthentication(sessionUser, options({ canLookup: (name) => (asked.push(name), false) })),
      "illegal_argument_exception",
      "user [sam] of realm [session] cannot be captured for background work: the realm does not support looking users up",
    );
    assert.deepEqual(asked, ["session"]);
  });
});
