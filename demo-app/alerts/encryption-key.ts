import { randomBytes } from "node:crypto";
import type { Model } from "mongoose";
import type { SettingDoc } from "./alert-models.js";

/** Where the generated key is kept when none is configured. */
export const ENCRYPTION_KEY_SETTING = "alerts.encryption_key";

/**
 * Decodes a configured key: 64 hex characters or base64/base64url of exactly 32 bytes. A bad
 * value is a TypeError that never repeats the value (it is a secret).
 */
export function decodeEncryptionKey(value: string): Buffer {
  const trimmed = value.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, "hex")
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed, "base64")
      : Buffer.alloc(0);
  if (key.length !== 32) {
    throw new TypeError(
      "demo: KEYGUARD_DEMO_ENCRYPTION_KEY (option encryptionKey) must be 32 bytes, hex or base64 encoded; " +
        "generate one with: node -e \"console.log(require('crypto').randomBytes(32).toString('base64'))\"",
    );
  }
  return key;
}

/**
 * The key generated on first use and stored in the demo's settings collection, shared by every
 * instance and every restart (`$setOnInsert`: the first writer wins, the others read its key).
 */
export async function loadOrCreateEncryptionKey(settings: Model<SettingDoc>): Promise<Buffer> {
  const fresh = randomBytes(32).toString("base64");
  let doc: SettingDoc | null = null;
  try {
    doc = await settings
      .findOneAndUpdate({ _id: ENCRYPTION_KEY_SETTING }, { $setOnInsert: { value: fresh } }, { upsert: true, returnDocument: "after" })
      .lean<SettingDoc>()
      .exec();
  } catch (error) {
    // Two instances inserting at once: one wins the unique _id, the other reads the winner's key.
    if ((error as { code?: unknown }).code !== 11000) throw error;
  }
  doc ??= await settings.findById(ENCRYPTION_KEY_SETTING).lean<SettingDoc>().exec();
  if (!doc || typeof doc.value !== "string") throw new Error("demo: could not load the alerts encryption key from demo_settings");
  return decodeEncryptionKey(doc.value);
}
