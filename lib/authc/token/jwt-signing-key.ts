import { createSecretKey, KeyObject, randomBytes } from "node:crypto";
import type { SettingsStore } from "../../store/settings-store.js";

/** Where the generated key lives in the `settings` collection. */
export const SIGNING_KEY_SETTING = "token_signing_key";

/** HS256 keys shorter than the hash output weaken it (RFC 7518 §3.2). */
export const MIN_SIGNING_KEY_BYTES = 32;

/** Accepted forms of `tokens.signingKey`. */
export type SigningKeyInput = string | Buffer | Uint8Array | KeyObject;

/**
 * Turns the `tokens.signingKey` option into a secret `KeyObject` (jsonwebtoken verifies HS256 in
 * ~6 µs with one, ~300 µs with a string). Throws a TypeError naming the option otherwise.
 */
export function toSigningKey(input: unknown, option: string): KeyObject {
  const fail = (message: string): never => {
    throw new TypeError(`express-keyguard: option ${option} ${message}`);
  };
  if (input instanceof KeyObject) {
    if (input.type !== "secret") fail(`must be a secret (symmetric) key for HS256, not a ${input.type} key`);
    if ((input.symmetricKeySize ?? 0) < MIN_SIGNING_KEY_BYTES) fail(`must be at least ${MIN_SIGNING_KEY_BYTES} bytes long`);
    return input;
  }
  if (typeof input === "string") {
    if (Buffer.byteLength(input, "utf8") < MIN_SIGNING_KEY_BYTES)
      fail(`must be at least ${MIN_SIGNING_KEY_BYTES} bytes long (e.g. 64 random bytes, hex or base64 encoded)`);
    return createSecretKey(Buffer.from(input, "utf8"));
  }
  if (input instanceof Uint8Array) {
    if (input.length < MIN_SIGNING_KEY_BYTES) fail(`must be at least ${MIN_SIGNING_KEY_BYTES} bytes long`);
    return createSecretKey(Buffer.from(input));
  }
  return fail("must be a string, a Buffer or a secret KeyObject of at least 32 bytes");
}

/**
 * The key that signs and verifies access tokens: the configured one, or a secret generated once
 * and stored in `settings` so every instance sharing the database signs with the same key.
 *
 * Guarantee: the stored key is created with an insert-if-absent upsert on a fixed `_id`, so of
 * several instances starting together exactly one key wins and all of them read that one.
 */
export class JwtSigningKey {
  private key: KeyObject | undefined;
  private loading: Promise<KeyObject> | undefined;

  /** @param settingId the setting document holding the generated key (tests use their own). */
  constructor(
    private readonly settings: Pick<SettingsStore, "putIfAbsent" | "get">,
    configured: KeyObject | undefined,
    private readonly settingId: string = SIGNING_KEY_SETTING,
  ) {
    this.key = configured;
  }

  /** The key once loaded (synchronous access for the hot path). */
  get current(): KeyObject | undefined {
    return this.key;
  }

  /** Loads (or creates) the shared key; retried on the next call if the database failed. */
  load(): Promise<KeyObject> {
    if (this.key) return Promise.resolve(this.key);
    this.loading ??= this.loadShared().then(
      (key) => {
        this.key = key;
        return key;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  private async loadShared(): Promise<KeyObject> {
    const candidate = randomBytes(64).toString("base64url");
    await this.settings.putIfAbsent(this.settingId, candidate);
    const value = await this.settings.get(this.settingId);
    const bytes = typeof value === "string" ? Buffer.from(value, "base64url") : Buffer.alloc(0);
    if (bytes.length < MIN_SIGNING_KEY_BYTES) {
      throw new Error(
        `express-keyguard: the stored token signing key (setting "${this.settingId}") is missing or too short; ` +
          "delete that setting document to generate a new one (this invalidates every access token)",
      );
    }
    return createSecretKey(bytes);
  }
}
