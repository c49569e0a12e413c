import assert from "node:assert/strict";
import type { HttpResult, TestApp } from "../../support/test-app.js";

/** Users of the API-key tests, one per privilege of the matrix (password = `<name>-pass`). */
export const USERS = {
  owner: ["own_keys", "index_reader"],
  other: ["own_keys"],
  manager: ["manage_keys"],
  reader: ["read_security"],
  granter: ["granter"],
  security: ["manage_sec"],
  plain: ["index_reader"],
  victim: ["own_keys"],
  imp: ["impersonator"],
} as const;

export type TestUser = keyof typeof USERS;

export function as(user: TestUser): { user: string; password: string } {
  return { user, password: `${user}-pass` };
}

export async function createFixtures(t: TestApp): Promise<void> {
  const roles: Record<string, unknown> = {
    own_keys: { cluster: ["manage_own_api_key"] },
    manage_keys: { cluster: ["manage_api_key"] },
    read_security: { cluster: ["read_security"] },
    granter: { cluster: ["grant_api_key"] },
    manage_sec: { cluster: ["manage_security"] },
    impersonator: { run_as: ["owner", "plain"] },
    index_reader: {
      cluster: ["monitor"],
      indices: [{ names: ["index-a", "index-b"], privileges: ["read", "view_index_metadata"] }],
      applications: [{ application: "shop", privileges: ["data:read/*"], resources: ["*"] }],
    },
  };
  for (const [name, body] of Object.entries(roles)) {
    const res = await t.admin("PUT", `/_security/role/${name}`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  for (const [user, userRoles] of Object.entries(USERS)) {
    const res = await t.admin("PUT", `/_security/user/${user}`, {
      password: `${user}-pass`,
      roles: [...userRoles],
      full_name: `${user} full`,
      email: `${user}@example.com`,
      metadata: { tier: user },
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

export interface CreatedKey {
  id: string;
  name: string;
  api_key: string;
  encoded: string;
  expiration?: number;
}

export async function createKey(t: TestApp, user: TestUser | "elastic", body: unknown): Promise<CreatedKey> {
  const res =
    user === "elastic"
      ? await t.admin("POST", "/_security/api_key", body)
      : await t.request("POST", "/_security/api_key", { auth: as(user), body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as CreatedKey;
}

/** Asserts an Elasticsearch error body with `status`, `type` and `reason`. */
export function assertError(res: HttpResult, status: number, type: string, reason: string | RegExp): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body?.status, status);
  assert.equal(res.body?.error?.type, type, JSON.stringify(res.body));
  if (typeof reason === "string") assert.equal(res.body.error.reason, reason);
  else assert.match(res.body.error.reason, reason);
  assert.equal(res.body.error.root_cause?.[0]?.reason, res.body.error.reason);
}

export const GENERIC_401 = "unable to authenticate with provided credentials and anonymous access is not allowed for this request";

export function assertKeyRefused(res: HttpResult, message: string): void {
  assertError(res, 401, "security_exception", GENERIC_401);
  assert.equal(res.body.error.additional_unsuccessful_credentials, `API key: ${message}`);
}

export { eventually, sleep } from "../../support/eventually.js";
