import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";

/** 256 random bits, base64url: 43 characters. */
const REFRESH_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const KDF_INFO = Buffer.from("express-keyguard refresh token superseding pair", "utf8");

/** A new opaque refresh token: 256 bits from `crypto.randomBytes`, base64url. */
export function generateRefreshToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Whether `value` has the shape of a refresh token (anything else is never looked up). */
export function isPlausibleRefreshToken(value: string): boolean {
  return REFRESH_TOKEN.test(value);
}

/**
 * What is stored of a refresh token: its SHA-256, base64url. Unsalted on purpose (as
 * Elasticsearch): the token carries 256 random bits, so the hash is a lookup key that reveals
 * nothing, and an index finds it.
 */
export function hashRefreshToken(refreshToken: string): string {
  return createHash("sha256").update(refreshToken, "utf8").digest("base64url");
}

/** The pair a refresh handed out, returned again to a retry within the window. */
export interface SupersedingPair {
  accessToken: string;
  refreshToken: string;
}

function keyFor(refreshToken: string, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(refreshToken, "utf8"), salt, KDF_INFO, 32));
}

/**
 * Encrypts the pair a refresh returned (AES-256-GCM) under a key derived from the refresh token
 * that was spent, as Elasticsearch does: the stored value is useless without that token, yet a
 * client retrying with it within the window gets the same pair back.
 */
export function sealSupersedingPair(refreshToken: string, pair: SupersedingPair): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyFor(refreshToken, salt), iv);
  const data = Buffer.concat([cipher.update(JSON.stringify([pair.accessToken, pair.refreshToken]), "utf8"), cipher.final()]);
  return [salt, iv, cipher.getAuthTag(), data].map((b) => b.toString("base64url")).join(".");
}

/** Opens what {@link sealSupersedingPair} stored; `undefined` when it cannot (wrong token, damaged value). */
export function openSupersedingPair(refreshToken: string, sealed: string): SupersedingPair | undefined {
  try {
    const [salt, iv, tag, data] = sealed.split(".").map((part) => Buffer.from(part, "base64url"));
    if (!salt || !iv || !tag || !data || iv.length !== 12 || tag.length !== 16) return undefined;
    const decipher = createDecipheriv("aes-256-gcm", keyFor(refreshToken, salt), iv);
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
    const value: unknown = JSON.parse(plain);
    if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== "string" || typeof value[1] !== "string") return undefined;
    return { accessToken: value[0], refreshToken: value[1] };
  } catch {
    return undefined;
  }
}
