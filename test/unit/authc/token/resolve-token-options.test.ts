import assert from "node:assert/strict";
import { createSecretKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { resolveTokenOptions } from "../../../../lib/authc/token/resolve-token-options.js";
import type { TokenOptions } from "../../../../lib/model/token-options.js";

describe("tokens options", () => {
  it("defaults to Elasticsearch's lifetimes and a generated key", () => {
    assert.deepEqual(resolveTokenOptions(undefined), {
      enabled: true,
      signingKeys: undefined,
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
      const keys = resolveTokenOptions({ signingKey: input }).signingKeys;
      // The single key is the ring's current key under the kid tokens without one are verified as.
      assert.equal(keys?.current.id, "default");
      assert.deepEqual(keys?.previous, []);
      const key = keys?.current.key;
      assert.equal(key?.type, "secret");
      assert.ok((key?.symmetricKeySize ?? 0) >= 32);
    }
  });

  it("takes named keys: current signs, previous only verify; ids unique", () => {
    const keys = resolveTokenOptions({
      signingKeys: { current: { id: "2026-12", secret: randomBytes(32) }, previous: [{ id: "default", secret: "p".repeat(40) }] },
    }).signingKeys;
    assert.equal(keys?.current.id, "2026-12");
    assert.equal(keys?.current.key.type, "secret");
    assert.deepEqual(
      keys?.previous.map((k) => [k.id, k.key.export().toString()]),
      [["default", "p".repeat(40)]],
    );
    assert.deepEqual(resolveTokenOptions({ signingKeys: { current: { id: "only", secret: "k".repeat(32) } } }).signingKeys?.previous, []);
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
      [
        { signingKey: "k".repeat(32), signingKeys: { current: { id: "a", secret: "k".repeat(32) } } },
        /tokens\.signingKeys cannot be set together with tokens\.signingKey/,
      ],
      [{ signingKeys: "k".repeat(32) }, /tokens\.signingKeys must be an object \{ current/],
      [{ signingKeys: {} }, /tokens\.signingKeys\.current must be an object \{ id, secret \}/],
      [{ signingKeys: { current: { id: "a", secret: "short" } } }, /tokens\.signingKeys\.current\.secret must be at least 32 bytes/],
      [{ signingKeys: { current: { id: "", secret: "k".repeat(32) } } }, /tokens\.signingKeys\.current\.id must be 1 to 64 characters/],
      [{ signingKeys: { current: { id: "a b", secret: "k".repeat(32) } } }, /tokens\.signingKeys\.current\.id must be 1 to 64 characters/],
      [{ signingKeys: { current: { id: "x".repeat(65), secret: "k".repeat(32) } } }, /tokens\.signingKeys\.current\.id must be 1 to 64/],
      [{ signingKeys: { current: { id: "a", secret: "k".repeat(32), note: 1 } } }, /tokens\.signingKeys\.current\.note is not a key field/],
      [{ signingKeys: { current: { id: "a", secret: "k".repeat(32) }, next: [] } }, /tokens\.signingKeys\.next is not a signingKeys field/],
      [{ signingKeys: { current: { id: "a", secret: "k".repeat(32) }, previous: {} } }, /tokens\.signingKeys\.previous must be an array/],
      [
        { signingKeys: { current: { id: "a", secret: "k".repeat(32) }, previous: [{ id: "b", secret: randomBytes(8) }] } },
        /tokens\.signingKeys\.previous\[0\]\.secret must be at least 32 bytes/,
      ],
      [
        {
          signingKeys: {
            current: { id: "a", secret: "k".repeat(32) },
            previous: [
              { id: "b", secret: "j".repeat(32) },
              { id: "a", secret: "i".repeat(32) },
            ],
          },
        },
        /tokens\.signingKeys has two keys with id "a": ids must be unique/,
      ],
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
