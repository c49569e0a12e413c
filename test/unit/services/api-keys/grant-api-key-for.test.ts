import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { CreateApiKeyResponse } from "../../../../lib/services/api-keys/api-key-responses.js";
import { Authentication } from "../../../../lib/model/authentication.js";
import { grantApiKeyFor, type ApiKeyGranter, type GrantApiKeyForRequest } from "../../../../lib/services/api-keys/grant-api-key-for.js";
import { SecurityError } from "../../../../lib/support/security-error.js";

const primary = new Authentication({
  user: { username: "dashboard", roles: ["alerting_system"], full_name: null, email: null, metadata: {}, enabled: true },
  authenticationRealm: { name: "native", type: "native" },
  type: "realm",
});

function recorder() {
  const calls: Array<{ caller: Authentication; body: unknown }> = [];
  const granter: ApiKeyGranter = {
    async grant(caller, body) {
      calls.push({ caller, body });
      return { id: "id", name: "n", api_key: "secret", encoded: "ZW5jb2RlZA==" } satisfies CreateApiKeyResponse;
    },
  };
  return { calls, granter };
}

const request: GrantApiKeyForRequest = { name: "alert-1", expiration: "30d", role_descriptors: { r: {} }, metadata: { alert: "1" } };

async function refused(header: string | undefined, reason: RegExp): Promise<void> {
  const { calls, granter } = recorder();
  await assert.rejects(grantApiKeyFor(granter, primary, header, request), (error: unknown) => {
    assert.ok(error instanceof SecurityError);
    assert.equal(error.status, 400);
    assert.match(error.reason, reason);
    return true;
  });
  assert.equal(calls.length, 0);
}

describe("grantApiKeyFor", () => {
  it("turns Basic secondary credentials into a password grant by the primary caller", async () => {
    const { calls, granter } = recorder();
    const header = "Basic " + Buffer.from("carol:pa:ss word").toString("base64");
    const response = await grantApiKeyFor(granter, primary, header, request);
    assert.equal(response.encoded, "ZW5jb2RlZA==");
    assert.equal(calls.length, 1);
    assert.equal(calls[0]?.caller, primary);
    assert.deepEqual(calls[0]?.body, { grant_type: "password", username: "carol", password: "pa:ss word", api_key: request });
  });

  it("turns a Bearer secondary token into an access_token grant", async () => {
    const { calls, granter } = recorder();
    await grantApiKeyFor(granter, primary, "bearer dGhlLXRva2Vu", request);
    assert.deepEqual(calls[0]?.body, { grant_type: "access_token", access_token: "dGhlLXRva2Vu", api_key: request });
  });

  it("refuses missing, ApiKey and unknown secondary credentials with a clear 400", async () => {
    await refused(undefined, /requires the user's credentials in the \[es-secondary-authorization\] header/);
    await refused("   ", /requires the user's credentials/);
    await refused(
      "ApiKey " + Buffer.from("id:secret").toString("base64"),
      /an API key in the \[es-secondary-authorization\] header cannot be used to grant API keys/,
    );
    await refused("Negotiate abc", /must carry Basic or Bearer credentials/);
    await refused("Basic !!!", /must carry Basic or Bearer credentials/);
  });

  it("refuses a request that is not an object", async () => {
    const { granter } = recorder();
    await assert.rejects(
      grantApiKeyFor(granter, primary, "Basic " + Buffer.from("a:b").toString("base64"), null as unknown as GrantApiKeyForRequest),
      /expects \{ name/,
    );
  });
});
