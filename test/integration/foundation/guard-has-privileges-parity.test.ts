import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { PrivilegeRequirement } from "../../../lib/index.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

// requirePrivileges() and _has_privileges answer one question: a guard lets a request through
// exactly when _has_privileges answers has_all_requested for the same user and request. The guard
// used to check index privileges without `allow_restricted_indices`, so a pattern guard that opts
// into restricted indices let through users who hold no privilege on them.

const REQUIREMENTS: Record<string, PrivilegeRequirement> = {
  wildcard: { index: [{ names: ["*"], privileges: ["read"] }] },
  "wildcard with restricted": { index: [{ names: ["*"], privileges: ["read"], allow_restricted_indices: true }] },
  "restricted name": { index: [{ names: [".security-7"], privileges: ["read"] }] },
  "restricted name, opted in": { index: [{ names: [".security-7"], privileges: ["read"], allow_restricted_indices: true }] },
  "restricted pattern without opting in": { index: [{ names: [".security*"], privileges: ["read"], allow_restricted_indices: false }] },
  "restricted pattern": { index: [{ names: [".security*"], privileges: ["read"], allow_restricted_indices: true }] },
  "unrestricted pattern, opted in": { index: [{ names: ["logs-*"], privileges: ["read"], allow_restricted_indices: true }] },
  "mixed entries": {
    cluster: ["monitor"],
    index: [
      { names: ["logs-1"], privileges: ["read"] },
      { names: ["*"], privileges: ["read"], allow_restricted_indices: true },
    ],
  },
};

const USERS = {
  plain: { password: "plain-pass", role: { cluster: ["monitor"], indices: [{ names: ["*"], privileges: ["read"] }] } },
  restricted: {
    password: "restricted-pass",
    role: { cluster: ["monitor"], indices: [{ names: ["*"], privileges: ["read"], allow_restricted_indices: true }] },
  },
};

// Elasticsearch's answers, so that the parity below is not parity in error.
const EXPECTED: Record<keyof typeof USERS, Record<string, boolean>> = {
  plain: {
    wildcard: true,
    "wildcard with restricted": false,
    "restricted name": false,
    "restricted name, opted in": false,
    "restricted pattern without opting in": true,
    "restricted pattern": false,
    "unrestricted pattern, opted in": true,
    "mixed entries": false,
  },
  restricted: {
    wildcard: true,
    "wildcard with restricted": true,
    "restricted name": true,
    "restricted name, opted in": true,
    "restricted pattern without opting in": true,
    "restricted pattern": true,
    "unrestricted pattern, opted in": true,
    "mixed entries": true,
  },
};

describe("requirePrivileges() answers as _has_privileges", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp("guard_parity", { failureRateLimit: false }, (app, security) => {
      for (const [name, requirement] of Object.entries(REQUIREMENTS)) {
        app.get(
          `/guarded/${encodeURIComponent(name)}`,
          security.requirePrivileges(requirement),
          (_req, res) => void res.json({ ok: true }),
        );
      }
    });
    for (const [username, { password, role }] of Object.entries(USERS)) {
      assert.equal((await t.admin("PUT", `/_security/role/${username}-role`, role)).status, 200);
      assert.equal((await t.admin("PUT", `/_security/user/${username}`, { password, roles: [`${username}-role`] })).status, 200);
    }
  });
  after(() => t.close());

  for (const [username, { password }] of Object.entries(USERS) as Array<[keyof typeof USERS, (typeof USERS)[keyof typeof USERS]]>) {
    for (const [name, requirement] of Object.entries(REQUIREMENTS)) {
      it(`${username}: ${name}`, async () => {
        const auth = { user: username, password };
        const answer = await t.request("POST", "/_security/user/_has_privileges", { auth, body: requirement });
        assert.equal(answer.status, 200);
        assert.equal(answer.body.has_all_requested, EXPECTED[username][name]);
        // Twice: the second request takes the guard's cached path.
        for (let i = 0; i < 2; i++) {
          const guarded = await t.request("GET", `/guarded/${encodeURIComponent(name)}`, { auth });
          assert.equal(guarded.status, answer.body.has_all_requested ? 200 : 403, JSON.stringify(guarded.body));
        }
      });
    }
  }
});
