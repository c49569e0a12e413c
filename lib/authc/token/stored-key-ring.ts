import { createSecretKey, randomBytes } from "node:crypto";
import { isPlainObject } from "../../support/is-plain-object.js";
import { randomId } from "../../support/random-id.js";
import { SigningKeyRing, type VerifyingKey } from "./signing-key-ring.js";
import { MIN_SIGNING_KEY_BYTES } from "./to-signing-key.js";

/** A generated key as stored: the secret in base64url. */
export interface StoredSigningKey {
  id: string;
  secret: string;
}

/**
 * The generated key ring in the `settings` collection. `revision` grows by one per rotation and
 * names the document it is inserted as, so two concurrent rotations cannot both write one.
 */
export interface StoredKeyRing {
  revision: number;
  current: StoredSigningKey & { created_at: number };
  previous: (StoredSigningKey & { retire_after: number })[];
}

/** What a rotation did. */
export interface KeyRingRotation {
  ring: StoredKeyRing;
  /** Ids dropped from the ring by this rotation. */
  retired: string[];
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** A new 64-byte secret under a random id (not derived from the secret). */
export function generateSigningKey(): StoredSigningKey {
  return { id: randomId(), secret: randomBytes(64).toString("base64url") };
}

/** The first ring: `first` is its current key. */
export function newStoredKeyRing(first: StoredSigningKey, now: number): StoredKeyRing {
  return { revision: 1, current: { ...first, created_at: now }, previous: [] };
}

function isStoredKey(value: unknown): value is StoredSigningKey {
  return (
    isPlainObject(value) &&
    typeof value.id === "string" &&
    KEY_ID.test(value.id) &&
    typeof value.secret === "string" &&
    Buffer.from(value.secret, "base64url").length >= MIN_SIGNING_KEY_BYTES
  );
}

/** The stored ring, or `undefined` when `value` is not one (missing, damaged or too short a secret). */
export function parseStoredKeyRing(value: unknown): StoredKeyRing | undefined {
  if (!isPlainObject(value) || !Number.isSafeInteger(value.revision) || !Array.isArray(value.previous)) return undefined;
  const current = value.current;
  if (!isStoredKey(current) || !isPlainObject(current) || typeof current.created_at !== "number") return undefined;
  const previous: StoredKeyRing["previous"] = [];
  for (const entry of value.previous as unknown[]) {
    if (!isStoredKey(entry) || !isPlainObject(entry) || typeof entry.retire_after !== "number") return undefined;
    previous.push({ id: entry.id, secret: entry.secret, retire_after: entry.retire_after });
  }
  return {
    revision: value.revision as number,
    current: { id: current.id, secret: current.secret, created_at: current.created_at },
    previous,
  };
}

/**
 * The ring after making `next` current: the replaced key verifies until `now + keepMs`, or is
 * dropped at once with every other previous key when `retireImmediately` (a leaked key). Keys
 * already past their `retire_after` are dropped either way.
 */
export function rotateStoredKeyRing(
  ring: StoredKeyRing,
  next: StoredSigningKey,
  now: number,
  keepMs: number,
  retireImmediately: boolean,
): KeyRingRotation {
  const retired: string[] = [];
  const previous: StoredKeyRing["previous"] = [];
  if (retireImmediately) retired.push(ring.current.id);
  else previous.push({ id: ring.current.id, secret: ring.current.secret, retire_after: now + keepMs });
  for (const entry of ring.previous) {
    if (retireImmediately || entry.retire_after <= now) retired.push(entry.id);
    else previous.push(entry);
  }
  return { ring: { revision: ring.revision + 1, current: { ...next, created_at: now }, previous }, retired };
}

/** The in-memory ring of a stored one. */
export function ringOfStored(stored: StoredKeyRing): SigningKeyRing {
  const key = (entry: StoredSigningKey) => createSecretKey(Buffer.from(entry.secret, "base64url"));
  const previous: VerifyingKey[] = stored.previous.map((entry) => ({ id: entry.id, key: key(entry), retireAfter: entry.retire_after }));
  return new SigningKeyRing({ id: stored.current.id, key: key(stored.current) }, previous, stored.revision);
}
