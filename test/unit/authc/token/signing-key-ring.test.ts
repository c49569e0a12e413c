import assert from "node:assert/strict";
import { createSecretKey, randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { JwtSigningKey, ROTATION_GRACE_MS } from "../../../../lib/authc/token/jwt-signing-key.js";
import { LEGACY_KEY_ID, SigningKeyRing } from "../../../../lib/authc/token/signing-key-ring.js";
import {
  generateSigningKey,
  newStoredKeyRing,
  parseStoredKeyRing,
  ringOfStored,
  rotateStoredKeyRing,
  type StoredKeyRing,
} from "../../../../lib/authc/token/stored-key-ring.js";
import { isSecurityError } from "../../../../lib/support/security-error.js";

const T0 = 1_800_000_000_000;
const MINUTE = 60_000;

/** The settings collection in memory, with the same contract as the store. */
class MemorySettings {
  /** Plain settings (an earlier version's single key). */
  readonly values = new Map<string, unknown>();
  /** Versions of versioned settings by name. */
  readonly versions = new Map<string, Map<number, unknown>>();
  reads = 0;
  /** Runs once before the next version insert: lets a test make another writer win the race. */
  beforeInsert: (() => void) | undefined;

  async get(id: string): Promise<unknown> {
    this.reads++;
    return structuredClone(this.values.get(id));
  }
  async latestVersion(name: string): Promise<{ version: number; value: unknown } | undefined> {
    this.reads++;
    const all = this.versions.get(name);
    if (!all || all.size === 0) return undefined;
    const version = Math.max(...all.keys());
    return { version, value: structuredClone(all.get(version)) };
  }
  async insertVersion(name: string, version: number, value: unknown): Promise<boolean> {
    const hook = this.beforeInsert;
    this.beforeInsert = undefined;
    hook?.();
    const all = this.versions.get(name) ?? new Map<number, unknown>();
    this.versions.set(name, all);
    if (all.has(version)) return false;
    all.set(version, structuredClone(value));
    return true;
  }
  async pruneVersionsBefore(name: string, version: number): Promise<void> {
    for (const v of this.versions.get(name)?.keys() ?? []) if (v < version) this.versions.get(name)?.delete(v);
  }
  /** The newest stored ring (test helper). */
  ring(): StoredKeyRing {
    const all = this.versions.get("token_signing_keys") ?? new Map<number, unknown>();
    return all.get(Math.max(...all.keys())) as StoredKeyRing;
  }
  /** Stores `ring` as its revision, replacing what is there (test helper). */
  put(ring: StoredKeyRing): void {
    const all = this.versions.get("token_signing_keys") ?? new Map<number, unknown>();
    this.versions.set("token_signing_keys", all);
    all.set(ring.revision, structuredClone(ring));
  }
}

function key(): ReturnType<typeof createSecretKey> {
  return createSecretKey(randomBytes(32));
}

describe("signing key ring", () => {
  it("verifies with the key a kid names until its retirement; no kid means the legacy key", () => {
    const [current, old, legacy] = [key(), key(), key()];
    const ring = new SigningKeyRing({ id: "new", key: current }, [
      { id: "old", key: old, retireAfter: T0 + MINUTE },
      { id: LEGACY_KEY_ID, key: legacy },
    ]);
    assert.equal(ring.keyFor("new", T0), current);
    assert.equal(ring.keyFor("old", T0 + MINUTE - 1), old);
    assert.equal(ring.keyFor("old", T0 + MINUTE), undefined, "retired at retireAfter");
    assert.equal(ring.knows("old"), true, "still known: a reload cannot bring it back");
    assert.equal(ring.keyFor(undefined, T0), legacy);
    assert.equal(ring.keyFor("nope", T0), undefined);
    assert.equal(ring.knows("nope"), false);
    // No legacy key in the ring: tokens without kid verify with nothing.
    assert.equal(new SigningKeyRing({ id: "new", key: current }, []).keyFor(undefined, T0), undefined);
  });

  it("rotates: the replaced key verifies until now + keep, expired keys are dropped, the revision grows", () => {
    const first = generateSigningKey();
    assert.match(first.id, /^[A-Za-z0-9_-]{20}$/);
    assert.equal(Buffer.from(first.secret, "base64url").length, 64);
    const r1 = newStoredKeyRing(first, T0);
    const second = generateSigningKey();
    const { ring: r2, retired: none } = rotateStoredKeyRing(r1, second, T0 + MINUTE, 20 * MINUTE, false);
    assert.deepEqual(none, []);
    assert.equal(r2.revision, 2);
    assert.deepEqual(r2.current, { ...second, created_at: T0 + MINUTE });
    assert.deepEqual(r2.previous, [{ ...first, retire_after: T0 + 21 * MINUTE }]);
    // Rotating again after the first key's time: it leaves the stored ring.
    const third = generateSigningKey();
    const { ring: r3, retired } = rotateStoredKeyRing(r2, third, T0 + 21 * MINUTE, 20 * MINUTE, false);
    assert.deepEqual(retired, [first.id]);
    assert.deepEqual(
      r3.previous.map((p) => p.id),
      [second.id],
    );
    // A rotation before that keeps both.
    const early = rotateStoredKeyRing(r2, third, T0 + 2 * MINUTE, 20 * MINUTE, false).ring;
    assert.deepEqual(
      early.previous.map((p) => p.id),
      [second.id, first.id],
    );
    // Leaked key: everything but the new key goes at once.
    const now = rotateStoredKeyRing(early, generateSigningKey(), T0 + 3 * MINUTE, 20 * MINUTE, true);
    assert.deepEqual(now.retired, [third.id, second.id, first.id]);
    assert.deepEqual(now.ring.previous, []);
  });

  it("reads back only well-formed stored rings", () => {
    const good = rotateStoredKeyRing(newStoredKeyRing(generateSigningKey(), T0), generateSigningKey(), T0, MINUTE, false).ring;
    assert.deepEqual(parseStoredKeyRing(structuredClone(good)), good);
    const ring = ringOfStored(good);
    assert.equal(ring.revision, 2);
    assert.equal(ring.current.id, good.current.id);
    assert.deepEqual(ring.current.key.export(), Buffer.from(good.current.secret, "base64url"));
    assert.ok(ring.keyFor(good.previous[0]?.id, T0 + MINUTE - 1));
    assert.equal(ring.keyFor(good.previous[0]?.id, T0 + MINUTE), undefined);
    const damaged: unknown[] = [
      undefined,
      "a-legacy-string",
      { ...good, revision: "2" },
      { ...good, current: { ...good.current, secret: randomBytes(16).toString("base64url") } },
      { ...good, current: { ...good.current, id: "has space" } },
      { ...good, current: { id: good.current.id, secret: good.current.secret } },
      { ...good, previous: [{ ...good.previous[0], retire_after: "soon" }] },
      { ...good, previous: {} },
    ];
    for (const value of damaged) assert.equal(parseStoredKeyRing(value), undefined, JSON.stringify(value));
  });
});

describe("generated signing keys (JwtSigningKey)", () => {
  it("keeps an earlier version's single key as the first current key, under the legacy kid", async () => {
    const settings = new MemorySettings();
    const legacy = randomBytes(64).toString("base64url");
    settings.values.set("token_signing_key", legacy);
    const ring = await new JwtSigningKey(settings, undefined, { clock: () => T0 }).load();
    assert.equal(ring.current.id, LEGACY_KEY_ID);
    assert.deepEqual(ring.current.key.export(), Buffer.from(legacy, "base64url"));
    assert.equal(ring.keyFor(undefined, T0), ring.current.key, "tokens without kid verify");
    // A fresh database gets a random kid instead, and no legacy setting.
    const fresh = new MemorySettings();
    const generated = await new JwtSigningKey(fresh, undefined, { clock: () => T0 }).load();
    assert.match(generated.current.id, /^[A-Za-z0-9_-]{20}$/);
    assert.equal(fresh.values.has("token_signing_key"), false);
    assert.equal(generated.keyFor(undefined, T0), undefined);
  });

  it("refuses a damaged stored ring with a message saying how to recover", async () => {
    const settings = new MemorySettings();
    settings.put({ revision: 1, current: { id: "x", secret: "short", created_at: T0 }, previous: [] });
    await assert.rejects(new JwtSigningKey(settings, undefined).load(), /are missing or damaged; delete those setting documents/);
  });

  it("rotates with a compare-and-set: a rotation that lost the race retries on top of the winner, no key is lost", async () => {
    let now = T0;
    const settings = new MemorySettings();
    const a = new JwtSigningKey(settings, undefined, { clock: () => now });
    const b = new JwtSigningKey(settings, undefined, { clock: () => now });
    const k0 = (await a.load()).current.id;
    await b.load();
    now += MINUTE;
    // B rotates between A's read and A's write.
    let kB = "";
    settings.beforeInsert = () => {
      const next = rotateStoredKeyRing(settings.ring(), generateSigningKey(), now, 20 * MINUTE + ROTATION_GRACE_MS, false).ring;
      kB = next.current.id;
      settings.put(next);
    };
    const rotation = await a.rotate(20 * MINUTE);
    const stored = settings.ring();
    assert.equal(stored.revision, 3);
    assert.deepEqual([...(settings.versions.get("token_signing_keys")?.keys() ?? [])], [3], "older revisions pruned");
    assert.equal(stored.current.id, rotation.kid);
    assert.deepEqual(
      stored.previous.map((p) => p.id),
      [kB, k0],
    );
    assert.deepEqual(rotation.previous, [
      { kid: kB, retireAt: new Date(now + 20 * MINUTE + ROTATION_GRACE_MS) },
      { kid: k0, retireAt: new Date(now + 20 * MINUTE + ROTATION_GRACE_MS) },
    ]);
    assert.deepEqual(rotation.retired, []);
    assert.equal(a.ring?.current.id, rotation.kid, "the rotating instance signs with the new key at once");
    // B still holds revision 1 until it reads again; then it has everything.
    assert.equal(b.ring?.current.id, k0);
    const reloaded = await b.reload();
    assert.equal(reloaded.current.id, rotation.kid);
    for (const kid of [kB, k0]) assert.ok(reloaded.keyFor(kid, now));
  });

  it("retires keys by time on every instance, and at once when asked", async () => {
    let now = T0;
    const settings = new MemorySettings();
    const a = new JwtSigningKey(settings, undefined, { clock: () => now });
    const old = (await a.load()).current.id;
    const lifetime = 60_000;
    const first = await a.rotate(lifetime);
    const ring = a.ring as SigningKeyRing;
    assert.ok(ring.keyFor(old, now + lifetime + ROTATION_GRACE_MS - 1));
    assert.equal(ring.keyFor(old, now + lifetime + ROTATION_GRACE_MS), undefined);
    now += 1000;
    const second = await a.rotate(lifetime, { retireImmediately: true });
    assert.deepEqual(new Set(second.retired), new Set([old, first.kid]));
    assert.deepEqual(second.previous, []);
    assert.equal(a.ring?.keyFor(first.kid, now), undefined);
    assert.equal(a.ring?.keyFor(old, now), undefined);
    assert.ok(a.ring?.keyFor(second.kid, now));
    await assert.rejects(a.rotate(lifetime, { retireImmediately: "yes" } as never), TypeError);
  });

  it("never goes back to an older revision, and reads for unknown kids at most once per interval", async () => {
    let now = T0;
    const settings = new MemorySettings();
    const a = new JwtSigningKey(settings, undefined, { clock: () => now, unknownKidReadIntervalMs: 1000 });
    await a.load();
    const rotated = await a.rotate(MINUTE);
    // A stale read (as one started before the rotation would return) does not win.
    const latest = settings.ring();
    settings.versions.set(
      "token_signing_keys",
      new Map([[1, { ...latest, revision: 1, current: { ...generateSigningKey(), created_at: T0 } }]]),
    );
    assert.equal((await a.reload()).current.id, rotated.kid);
    settings.versions.set("token_signing_keys", new Map([[latest.revision, latest]]));

    const reads = settings.reads;
    assert.ok(await a.lookUpUnknown());
    assert.equal(await a.lookUpUnknown(), undefined, "within the interval: no read");
    now += 999;
    assert.equal(await a.lookUpUnknown(), undefined);
    assert.equal(settings.reads, reads + 1);
    now += 1;
    assert.ok(await a.lookUpUnknown());
    assert.equal(settings.reads, reads + 2);
  });

  it("a reload asked for while a read is under way reads again after it: a change learnt meanwhile is not missed", async () => {
    const settings = new MemorySettings();
    const a = new JwtSigningKey(settings, undefined, { clock: () => T0 });
    const first = await a.load();
    const underWay = a.reload();
    // Another instance rotates after that read took its snapshot; its journal event arrives now.
    settings.put(rotateStoredKeyRing(settings.ring(), generateSigningKey(), T0, MINUTE, false).ring);
    const [r1, r2, r3] = await Promise.all([underWay, a.reload(), a.reload()]);
    assert.equal(r1.current.id, first.current.id);
    assert.equal(r2.current.id, settings.ring().current.id);
    assert.equal(r3, r2, "callers during the wait share the second read");
    assert.equal(a.ring?.current.id, settings.ring().current.id);
  });

  it("configured keys are not rotated here and never read from the database", async () => {
    const settings = new MemorySettings();
    const ring = new SigningKeyRing({ id: "cfg", key: key() }, []);
    const configured = new JwtSigningKey(settings, ring);
    assert.equal(await configured.load(), ring);
    assert.equal(await configured.lookUpUnknown(), undefined);
    assert.equal(await configured.reload(), ring);
    await assert.rejects(
      configured.rotate(MINUTE),
      (error: unknown) => isSecurityError(error) && error.status === 400 && /rotate them by deploying a new current key/.test(error.reason),
    );
    assert.equal(settings.reads, 0);
  });
});
