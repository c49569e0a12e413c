import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  applicationActionErrors,
  applicationNameError,
  applicationPrivilegeNameError,
  applicationPrivilegeOrActionError,
  isApplicationAction,
  NO_APPLICATION_PRIVILEGES,
  resolveApplicationPrivilege,
  validateApplicationAction,
  validateApplicationName,
  validateApplicationPrivilegeName,
  type ApplicationPrivilegeLookup,
} from "../../../lib/authz/application-privileges.js";
import { SecurityError } from "../../../lib/support/security-error.js";

const lookup: ApplicationPrivilegeLookup = (app, name) =>
  app === "myapp" ? ({ read: ["data:read/*"], write: ["data:write/*"] } as Record<string, string[]>)[name] : undefined;

describe("application privilege resolution", () => {
  it("tells actions from names", () => {
    assert.equal(isApplicationAction("data:read/me"), true);
    assert.equal(isApplicationAction("*"), true);
    assert.equal(isApplicationAction("read"), false);
    assert.equal(isApplicationAction("read.only-x_y"), false);
  });

  it("resolves names through the lookup, actions as themselves", () => {
    assert.deepEqual(resolveApplicationPrivilege("myapp", "read", lookup), ["data:read/*"]);
    assert.deepEqual(resolveApplicationPrivilege("myapp", "data:write/me", lookup), ["data:write/me"]);
    assert.equal(resolveApplicationPrivilege("myapp", "admin", lookup), undefined);
    assert.equal(resolveApplicationPrivilege("myapp", "read", NO_APPLICATION_PRIVILEGES), undefined);
  });
});

describe("application naming rules", () => {
  it("validates application names with Elasticsearch's messages", () => {
    assert.equal(applicationNameError("myapp"), undefined);
    assert.equal(applicationNameError("kibana-.kibana"), undefined);
    assert.equal(applicationNameError(""), "Application names cannot be blank");
    assert.equal(applicationNameError("my*"), "Application names may not contain '*' (found 'my*')");
    assert.equal(applicationNameError("my*", { allowWildcard: true }), undefined);
    assert.equal(applicationNameError("*", { allowWildcard: true }), undefined);
    assert.equal(
      applicationNameError("m*p", { allowWildcard: true }),
      "Application name patterns only support trailing wildcards (found 'm*p')",
    );
    assert.equal(applicationNameError("ab"), "An application name prefix must be at least 3 characters long (found 'ab')");
    assert.equal(applicationNameError("Myapp"), "An application name prefix must match the pattern ^[a-z][A-Za-z0-9]*$ (found 'Myapp')");
    assert.equal(applicationNameError("my app"), "Application names may not contain whitespace (found 'my app')");
    assert.equal(
      applicationNameError("myapp-a/b"),
      `An application name suffix may not contain any of the characters '\\/*?"<>| ,' (found 'a/b')`,
    );
  });

  it("validates privilege names and actions", () => {
    assert.equal(applicationPrivilegeNameError("read"), undefined);
    assert.equal(
      applicationPrivilegeNameError("Read"),
      "Application privilege names must match the pattern ^[a-z][a-zA-Z0-9_.-]*$ (found 'Read')",
    );
    assert.equal(applicationPrivilegeOrActionError("data:read/*"), undefined);
    assert.equal(
      applicationPrivilegeOrActionError("a b"),
      "Application privilege names and actions must match the pattern ^\\p{Graph}*$ (found 'a b')",
    );
    assert.deepEqual(applicationActionErrors("data:read/*"), []);
    assert.deepEqual(applicationActionErrors("read"), ["action [read] must contain one of [/*:]"]);
  });

  it("the validate* forms throw 400 illegal_argument_exception", () => {
    assert.doesNotThrow(() => validateApplicationName("myapp"));
    assert.doesNotThrow(() => validateApplicationPrivilegeName("read"));
    assert.doesNotThrow(() => validateApplicationAction("data:read/*"));
    for (const fn of [
      () => validateApplicationName("ab"),
      () => validateApplicationPrivilegeName("_x"),
      () => validateApplicationAction("read"),
    ]) {
      assert.throws(
        fn,
        (error: unknown) => error instanceof SecurityError && error.status === 400 && error.type === "illegal_argument_exception",
      );
    }
  });
});
