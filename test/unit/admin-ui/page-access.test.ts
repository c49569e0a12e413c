import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CHECKED_CLUSTER_PRIVILEGES, pageAccessFrom, visibleTabs } from "../../../lib/admin-ui/page-access.js";

const user = { username: "u" };

describe("admin UI: which tabs and actions a caller gets", () => {
  it("asks _has_privileges about every privilege a tab or action depends on", () => {
    assert.deepEqual([...CHECKED_CLUSTER_PRIVILEGES].sort(), ["manage_api_key", "manage_own_api_key", "manage_security", "read_security"]);
  });

  it("opens Roles and Users with read_security or manage_security, and user changes with manage_security only", () => {
    const reader = pageAccessFrom({ cluster: { read_security: true } }, user);
    assert.deepEqual(visibleTabs(reader), ["keys", "roles", "users"]);
    assert.equal(reader.manageUsers, false);
    const admin = pageAccessFrom({ cluster: { manage_security: true } }, user);
    assert.deepEqual(visibleTabs(admin), ["keys", "roles", "users"]);
    assert.equal(admin.manageUsers, true);
  });

  it("gives key owners the API-keys tab alone, and limits only to manage_api_key", () => {
    const owner = pageAccessFrom({ cluster: { manage_own_api_key: true, read_security: false } }, user);
    assert.deepEqual(visibleTabs(owner), ["keys"]);
    assert.equal(owner.keyLimits, false);
    assert.equal(pageAccessFrom({ cluster: { manage_api_key: true } }, user).keyLimits, true);
  });

  it("lets an API key see itself, and a caller without any privilege no tab", () => {
    assert.deepEqual(visibleTabs(pageAccessFrom({ cluster: {} }, { username: "u", api_key: { id: "k" } })), ["keys"]);
    assert.deepEqual(visibleTabs(pageAccessFrom({ cluster: { manage_own_api_key: false } }, user)), []);
    assert.deepEqual(visibleTabs(pageAccessFrom(null, user)), []);
  });
});
