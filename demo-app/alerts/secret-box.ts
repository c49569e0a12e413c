import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const ALGORITHM = "aes-256-gcm";
const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Authenticated encryption at rest (AES-256-GCM) for the alerts' API keys. Every value is bound
 * to a context (the alert id) through GCM's additional data, so a sealed key copied into another
 * alert's document does not open there.
 */
export class SecretBox {
  readonly #key: Buffer;

  /** @param key exactly 32 bytes */
  constructor(key: Buffer) {
    if (key.length !== 32) throw new TypeError("SecretBox needs a 32-byte key");
    this.#key = Buffer.from(key);
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, each part base64url; a fresh random IV every time. */
  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, "utf8"));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
  }

  /** The plaintext, or `undefined` when the value was altered, sealed for another context or with another key. */
  open(sealed: string, context: string): string | undefined {
    const parts = sealed.split(".");
    if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
    const iv = Buffer.from(parts[1] ?? "", "base64url");
    const tag = Buffer.from(parts[2] ?? "", "base64url");
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(Buffer.from(parts[3] ?? "", "base64url")), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}
