import assert from "node:assert/strict";
import { createSecretKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { resolveTokenOptions } from "../../../../lib/authc/token/resolve-token-options.js";
import type { TokenOptions } from "../../../../lib/model/token-options.js";

describe("tokens options", () => {
  it("defaults to Elasticsearch's lifetimes and a generated key", () => {
    assert.deepEqual(resolveTokenOptions(undefined), {
      enabled: true,
      signingKey: undefined,
      accessTokenLifetimeMs: 1_200_000,
      refreshTokenLifetimeMs: 86_400_000,
    });
    const resolved = resolveTokenOptions({ enabled: false, accessTokenLifetime: "1h", refreshTokenLifetime: "30d" });
    assert.deepEqual(
      [resolved.enabled, resolved.accessTokenLifetimeMs, resolved.refreshTokenLifetimeMs],
      [false, 3_600_000, 2_592_000_000],
    );
    assert.equal(resolveTokenOptions({ accessTokenLifetime: 2000 }).accessTokenLifetimeMs, 2000);
  });

  it("turns every accepted key form into a secret KeyObject", () => {
    const raw = randomBytes(32);
    for (const input of ["k".repeat(32), raw, new Uint8Array(raw), createSecretKey(raw)]) {
      const key = resolveTokenOptions({ signingKey: input }).signingKey;
      assert.equal(key?.type, "secret");
      assert.ok((key?.symmetricKeySize ?? 0) >= 32);
    }
  });

  it("refuses bad values with a TypeError naming the option", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ accessTokenLifetime: "2h" }, /tokens\.accessTokenLifetime must be whole seconds from "1s" to "1h"/],
      [{ accessTokenLifetime: "500ms" }, /tokens\.accessTokenLifetime/],
      [{ accessTokenLifetime: 1500 }, /tokens\.accessTokenLifetime/],
      [{ accessTokenLifetime: "soon" }, /tokens\.accessTokenLifetime must be a duration/],
      [{ refreshTokenLifetime: "31d" }, /tokens\.refreshTokenLifetime must be from "1s" to "30d"/],
      [{ signingKey: "short" }, /tokens\.signingKey must be at least 32 bytes/],
      [{ signingKey: randomBytes(16) }, /tokens\.signingKey must be at least 32 bytes/],
      [{ signingKey: generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey }, /tokens\.signingKey must be a secret/],
      [{ signingKey: 42 }, /tokens\.signingKey must be a string, a Buffer or a secret KeyObject/],
      [{ enabled: "yes" }, /tokens\.enabled must be true or false/],
      [{ lifetime: "1m" }, /tokens\.lifetime is not a token option/],
      ["on", /option tokens must be an object/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => resolveTokenOptions(options as TokenOptions),
        (error: unknown) => error instanceof TypeError && message.test(error.message),
        JSON.stringify(options),
      );
    }
  });
});
