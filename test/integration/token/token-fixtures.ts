import assert from "node:assert/strict";
import type { HttpResult, TestApp } from "../../support/test-app.js";

/** Users of the token tests (password = `<name>-pass`). */
export const TOKEN_USERS = {
  client: ["token_client"],
  other_client: ["token_client"],
  alice: ["reader"],
  bob: ["reader"],
  plain: ["reader"],
  keymaker: ["token_client", "own_keys", "reader"],
  granter: ["granter"],
} as const;

export type TokenUser = keyof typeof TOKEN_USERS;

export function as(user: TokenUser): { user: string; password: string } {
  return { user, password: `${user}-pass` };
}

export async function createTokenFixtures(t: TestApp): Promise<void> {
  const roles: Record<string, unknown> = {
    token_client: { cluster: ["manage_token"] },
    reader: { cluster: ["monitor"], indices: [{ names: ["logs-*"], privileges: ["read"] }] },
    own_keys: { cluster: ["manage_own_api_key"] },
    granter: { cluster: ["grant_api_key"] },
  };
  for (const [name, body] of Object.entries(roles)) {
    const res = await t.admin("PUT", `/_security/role/${name}`, body);
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  for (const [user, userRoles] of Object.entries(TOKEN_USERS)) {
    const res = await t.admin("PUT", `/_security/user/${user}`, {
      password: `${user}-pass`,
      roles: [...userRoles],
      full_name: `${user} full`,
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
}

export interface TokenPair {
  access_token: string;
  type: string;
  expires_in: number;
  refresh_token?: string;
  authentication: Record<string, unknown>;
}

/** `POST /_security/oauth2/token` as `caller` (a test user or an Authorization value); asserts 200. */
export async function getToken(t: TestApp, caller: string, body: unknown): Promise<TokenPair> {
  const res = await t.request("POST", "/_security/oauth2/token", { auth: caller in TOKEN_USERS ? as(caller as TokenUser) : caller, body });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as TokenPair;
}

export function passwordGrant(user: TokenUser): { grant_type: "password"; username: string; password: string } {
  return { grant_type: "password", username: user, password: `${user}-pass` };
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

export const GENERIC_401 = "unable to authenticate with provided credentials and anonymous access is not allowed for this request";
export const EXPIRED_CHALLENGE = 'Bearer realm="security", error="invalid_token", error_description="The access token expired"';

/** 401 "token expired" with the invalid_token challenge first (Elasticsearch's expired/invalidated token answer). */
export function assertTokenExpired(res: HttpResult): void {
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.type, "security_exception");
  assert.equal(res.body.error.reason, "token expired");
  assert.equal(res.body.error.header["WWW-Authenticate"][0], EXPIRED_CHALLENGE);
  assert.ok(res.headers.get("www-authenticate")?.includes('error="invalid_token"'));
}

/** The generic 401 Elasticsearch gives a Bearer value that is not one of its tokens. */
export function assertInvalidToken(res: HttpResult): void {
  assert.equal(res.status, 401, JSON.stringify(res.body));
  assert.equal(res.body.error.reason, GENERIC_401);
  assert.equal(res.body.error.additional_unsuccessful_credentials, "oauth2 token: invalid token");
}

export { eventually, sleep } from "../../support/eventually.js";
