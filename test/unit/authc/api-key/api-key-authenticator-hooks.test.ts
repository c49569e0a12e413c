import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiKeyAuthenticator } from "../../../../lib/authc/api-key/api-key-authenticator.js";
import { ApiKeyCache } from "../../../../lib/authc/api-key/api-key-cache.js";
import { hashSsha256, verifySsha256 } from "../../../../lib/authc/api-key/api-key-hash.js";
import { ApiKeySecretFormat } from "../../../../lib/authc/api-key/api-key-secret-format.js";
import type { ApiKeySnapshot } from "../../../../lib/authc/api-key/api-key-cache.js";
import type { ApiKeyDoc } from "../../../../lib/store/store-documents.js";
import { apiKeyDoc } from "../../../support/api-key-doc.js";

const ID = "key-id-0000000000001";
const INFO = { uri: "/", request: {} };
const format = new ApiKeySecretFormat("kg_");

function doc(secret: string): ApiKeyDoc {
  return apiKeyDoc({ _id: ID, hash: hashSsha256(secret) });
}

function setup(stored: ApiKeyDoc) {
  const calls = { get: 0, verify: 0, lookup: 0, verified: [] as string[] };
  const cache = new ApiKeyCache({ ttlMs: 86_400_000, maxKeys: 100, docTtlMs: 300_000 });
  const lookup = cache.lookup.bind(cache);
  cache.lookup = (...args) => {
    calls.lookup++;
    return lookup(...args);
  };
  const authenticator = new ApiKeyAuthenticator(
    {
      async get() {
        calls.get++;
        return stored;
      },
    },
    {
      async verify(secret, hash) {
        calls.verify++;
        return verifySsha256(secret, hash);
      },
    },
    cache,
    Date.now,
    { secretFormat: format, onVerified: (snapshot: ApiKeySnapshot) => calls.verified.push(snapshot.id) },
  );
  return { calls, authenticator, run: (secret: string) => authenticator.authenticate({ scheme: "apikey", id: ID, secret }, INFO) };
}

describe("ApiKeyAuthenticator hooks", () => {
  it("refuses a secret with a broken checksum before the cache and the database", async () => {
    const secret = format.generate();
    const t = setup(doc(secret));
    const typo = secret.slice(0, 10) + (secret[10] === "A" ? "B" : "A") + secret.slice(11);
    assert.deepEqual(await t.run(typo), {
      status: "continue",
      message: `invalid credentials for API key [${ID}]: the secret fails its checksum`,
    });
    assert.equal(t.authenticator.authenticateFromCache({ scheme: "apikey", id: ID, secret: typo }), undefined);
    assert.deepEqual({ get: t.calls.get, verify: t.calls.verify, lookup: t.calls.lookup }, { get: 0, verify: 0, lookup: 0 });
  });

  it("authenticates good and unchecksummed secrets; tells onVerified only after a slow-path success", async () => {
    const secret = format.generate();
    const t = setup(doc(secret));
    assert.equal((await t.run(secret)).status, "success");
    assert.deepEqual(t.calls.verified, [ID]);
    assert.equal((await t.run(secret)).status, "success", "now a cache hit");
    assert.ok(t.authenticator.authenticateFromCache({ scheme: "apikey", id: ID, secret }));
    assert.deepEqual(t.calls.verified, [ID], "cache hits are not reported");

    const legacy = "AbCdEfGhIjKlMnOpQrStUv";
    const l = setup(doc(legacy));
    assert.equal((await l.run(legacy)).status, "success");
    assert.equal(l.calls.get, 1);
    assert.equal((await l.run("AbCdEfGhIjKlMnOpQrStUw")).status, "continue");
    assert.deepEqual(l.calls.verified, [ID], "a failure is not reported");
  });
});
