import assert from "node:assert/strict";
import { throwsSecurityError } from "../../../support/throws-security-error.js";
import { describe, it } from "node:test";
import {
  expirationTime,
  parseBulkUpdateRequest,
  parseCreateRequest,
  parseExpiration,
  parseGetRequest,
  parseInvalidateRequest,
  parseUpdateRequest,
} from "../../../../lib/services/api-keys/api-key-requests.js";
import { resolveApiKeyOptions } from "../../../../lib/authc/api-key/resolve-api-key-options.js";
import { SecurityError } from "../../../../lib/support/security-error.js";

const fails = throwsSecurityError;

describe("API-key request parsing", () => {
  it("expirations are TimeValues; expiry is now + whole seconds", () => {
    assert.equal(parseExpiration("1d"), 86_400_000);
    assert.equal(parseExpiration("1500ms"), 1500);
    assert.equal(parseExpiration(undefined), undefined);
    assert.equal(parseExpiration(null), undefined);
    assert.equal(expirationTime(1_000_123, 1500), 1_001_123);
    assert.equal(expirationTime(1_000_123, 999), 1_000_123);
    assert.equal(expirationTime(1_000_123, undefined), null);
    assert.equal(expirationTime(1_000_123, parseExpiration("-1")), 1_000_123);
    assert.equal(parseExpiration("2000000nanos"), 2);
    fails(
      () => parseExpiration("1w"),
      "illegal_argument_exception",
      "failed to parse setting [expiration] with value [1w] as a time value: unit is missing or unrecognized",
    );
    fails(
      () => parseExpiration("-2s"),
      "illegal_argument_exception",
      "failed to parse setting [expiration] with value [-2s] as a time value: negative durations are not supported",
    );
  });

  it("expirations follow TimeValue.parseTimeValue to the letter", () => {
    // Zeros and -1 need no unit; -1 is the one negative amount, with any unit.
    assert.equal(parseExpiration("0"), 0);
    assert.equal(parseExpiration("000"), 0);
    assert.equal(parseExpiration("-1"), -1);
    assert.equal(parseExpiration("-001"), -1);
    assert.equal(parseExpiration("-1d"), -86_400_000);
    assert.equal(expirationTime(1_000_000, parseExpiration("-1d")), 1_000_000 - 86_400_000);
    assert.equal(expirationTime(1_000_000, parseExpiration("1nanos")), 1_000_000);
    // Units are case-insensitive except m (M is months); spaces around number and unit are fine.
    assert.equal(parseExpiration("2D"), 2 * 86_400_000);
    assert.equal(parseExpiration("3H"), 3 * 3_600_000);
    assert.equal(parseExpiration("5MS"), 5);
    assert.equal(parseExpiration(" 1 d "), 86_400_000);
    assert.equal(parseExpiration("+7s"), 7000);
    fails(
      () => parseExpiration("1M"),
      "illegal_argument_exception",
      "failed to parse setting [expiration] with value [1M] as a time value: unit is missing or unrecognized",
    );
    fails(() => parseExpiration("1.5h"), "illegal_argument_exception", "failed to parse [1.5h], fractional time values are not supported");
    fails(
      () => parseExpiration("99999999999999999999d"),
      "illegal_argument_exception",
      "failed to parse [99999999999999999999d], fractional time values are not supported",
    );
    fails(() => parseExpiration("abcd"), "illegal_argument_exception", "failed to parse [abcd]");
    fails(
      () => parseExpiration(""),
      "illegal_argument_exception",
      "failed to parse setting [expiration] with value [] as a time value: unit is missing or unrecognized",
    );
    fails(
      () => parseExpiration("9999999999999d"),
      "illegal_argument_exception",
      "failed to parse setting [expiration] with value [9999999999999d] as a time value: value is too large",
    );
    // Not a string: refused by the object parser, as Elasticsearch's declareString does.
    fails(
      () => parseExpiration(5),
      "x_content_parse_exception",
      "[api_key_request] expiration doesn't support values of type: VALUE_NUMBER",
    );
    fails(
      () => parseExpiration({}, "update_api_key_request_payload"),
      "x_content_parse_exception",
      "[update_api_key_request_payload] expiration doesn't support values of type: START_OBJECT",
    );
  });

  it("create: the structure fails first, then every name/metadata problem in one validation error", () => {
    fails(
      () => parseCreateRequest({ name: "_x", role_descriptors: { r: { cluster: 1 } } }),
      "parse_exception",
      /failed to parse role \[r\]/,
    );
    fails(
      () => parseCreateRequest({ name: "_x", role_descriptors: { r: { cluster: ["bogus"] } } }),
      "action_request_validation_exception",
      "Validation Failed: 1: api key name may not begin with an underscore;",
    );
    fails(
      () => parseCreateRequest({ name: "ok", role_descriptors: { r: { cluster: ["bogus"] } } }),
      "action_request_validation_exception",
      /unknown cluster privilege \[bogus\]/,
    );
    fails(
      () => parseCreateRequest({ name: "ok", role_descriptors: { r: { description: "d" } } }),
      "parse_exception",
      /unexpected field \[description\]/,
    );
    fails(() => parseCreateRequest([1]), "x_content_parse_exception", /JSON object/);
    const parsed = parseCreateRequest({ name: "k", role_descriptors: null, metadata: null, expiration: null });
    assert.deepEqual(parsed, { name: "k", expirationMs: undefined, roleDescriptors: undefined, metadata: undefined, limits: undefined });
  });

  it("update and bulk update", () => {
    assert.deepEqual(parseUpdateRequest(undefined), { expirationMs: undefined, roleDescriptors: undefined, metadata: undefined });
    assert.deepEqual(parseUpdateRequest({ role_descriptors: {}, metadata: {} }), {
      expirationMs: undefined,
      roleDescriptors: {},
      metadata: {},
    });
    assert.deepEqual(parseBulkUpdateRequest({ ids: ["a", "b", "a"] }).ids, ["a", "b"]);
    fails(
      () => parseBulkUpdateRequest({ ids: [], metadata: { _a: 1 } }),
      "action_request_validation_exception",
      "Validation Failed: 1: API key metadata keys may not start with [_];2: Field [ids] cannot be empty;",
    );
  });

  it("get: blank values count as absent, as Strings.hasText", () => {
    assert.deepEqual(parseGetRequest({ id: " ", username: "u" }), {
      id: undefined,
      name: undefined,
      username: "u",
      realmName: undefined,
      owner: false,
      withLimitedBy: false,
      activeOnly: false,
    });
    assert.throws(() => parseGetRequest({ id: 5 as unknown as string }), SecurityError);
  });

  it("invalidate: id is ids of one; every problem reported together", () => {
    assert.deepEqual(parseInvalidateRequest({ id: "x" }).ids, ["x"]);
    fails(
      () => parseInvalidateRequest({ ids: ["a"], name: "n", username: "u", owner: true }),
      "action_request_validation_exception",
      "Validation Failed: 1: username or realm name must not be specified when the api key id(s) or api key name is specified;2: neither username nor realm-name may be specified when invalidating owned API keys;3: only one of [api key id(s), api key name] can be specified;",
    );
  });
});

describe("apiKeys options", () => {
  it("has Elasticsearch's defaults", () => {
    assert.deepEqual(resolveApiKeyOptions(undefined), {
      enabled: true,
      hashAlgorithm: "ssha256",
      cacheTtlMs: 86_400_000,
      cacheMaxKeys: 25_000,
      docCacheTtlMs: 300_000,
      retentionMs: 7 * 86_400_000,
      removerIntervalMs: 3_600_000,
      secretPrefix: "kg_",
      upgradeHashes: true,
      usageFlushIntervalMs: 60_000,
    });
  });

  it("refuses bad values with a TypeError naming the option", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ hashAlgorithm: "md5" }, /apiKeys\.hashAlgorithm must be one of "ssha256", "pbkdf2", "bcrypt"/],
      [{ cacheTtl: "forever" }, /apiKeys\.cacheTtl/],
      [{ docCacheTtl: "1h" }, /apiKeys\.docCacheTtl must be between 0 and 15m/],
      [{ cacheMaxKeys: -1 }, /apiKeys\.cacheMaxKeys/],
      [{ removerInterval: 0 }, /apiKeys\.removerInterval/],
      [{ retention: "soon" }, /apiKeys\.retention/],
      [{ enabled: "yes" }, /apiKeys\.enabled/],
      [{ secretPrefix: "" }, /apiKeys\.secretPrefix must be 1 to 16 characters of \[A-Za-z0-9_-\]/],
      [{ secretPrefix: "kg.live" }, /apiKeys\.secretPrefix/],
      [{ secretPrefix: "x".repeat(17) }, /apiKeys\.secretPrefix/],
      [{ secretPrefix: 7 }, /apiKeys\.secretPrefix/],
      [{ upgradeHashes: "no" }, /apiKeys\.upgradeHashes must be true or false/],
      [{ usageFlushInterval: "often" }, /apiKeys\.usageFlushInterval must be a duration/],
      [{ usageFlushInterval: "5ms" }, /apiKeys\.usageFlushInterval must be between 10ms and 1d/],
      [{ usageFlushInterval: true }, /apiKeys\.usageFlushInterval must be a duration such as "60s", or 0 \/ false/],
      [{ usageFlushInterval: -1 }, /apiKeys\.usageFlushInterval/],
      [{ ttl: 1 }, /apiKeys\.ttl is not an API-key option/],
      ["x", /option apiKeys must be an object/],
    ];
    for (const [options, message] of cases) {
      assert.throws(
        () => resolveApiKeyOptions(options as never),
        (error: unknown) => error instanceof TypeError && message.test(error.message),
      );
    }
  });
});
