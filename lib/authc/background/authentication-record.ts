import type { RealmRef } from "../../model/authentication.js";
import { isObjectLiteral } from "../../support/is-object-literal.js";
import { InvalidAuthenticationRecordError } from "./invalid-authentication-record-error.js";

/** The only record format this version writes and reads. */
export const AUTHENTICATION_RECORD_VERSION = 1;

interface RecordBase {
  /** Format version, {@link AUTHENTICATION_RECORD_VERSION}. */
  version: 1;
  /** The user the work runs as (for an API key: its owner). */
  username: string;
  /** The realm that user lives in (for an API key: the owner's realm). */
  realm: RealmRef;
  /**
   * How that identity authenticated when it was captured. Informational: a `token` identity is
   * restored from its user and realm, because tokens expire long before background work does.
   */
  authentication_type: "realm" | "token" | "api_key";
  /** Whether the identity came from `es-secondary-authorization` or the primary credentials. */
  source: "primary" | "secondary";
  /** When it was captured, in milliseconds since the epoch. */
  captured_at: number;
}

/** A user of a realm, re-found through the realm's `lookup` on restore. */
export interface RealmAuthenticationRecord extends RecordBase {
  type: "realm";
}

/** An API key, by id only (never its secret), re-validated on restore. */
export interface ApiKeyAuthenticationRecord extends RecordBase {
  type: "api_key";
  api_key: { id: string; name: string | null };
}

/**
 * What `security.captureAuthentication(req)` returns: a plain, JSON-serializable, versioned
 * description of an identity to run background work as. It holds no password, token or key
 * secret, so storing it grants nothing by itself; `security.restoreAuthentication(record)` turns
 * it back into an `Authentication` after re-checking that the identity is still valid.
 *
 * @example
 * { "version": 1, "type": "realm", "username": "carol",
 *   "realm": { "name": "native", "type": "native" }, "authentication_type": "realm",
 *   "source": "secondary", "captured_at": 1767225600000 }
 */
export type AuthenticationRecord = RealmAuthenticationRecord | ApiKeyAuthenticationRecord;

const MAX_NAME = 1024;
const COMMON_FIELDS = ["version", "type", "username", "realm", "authentication_type", "source", "captured_at"];

function onlyFields(value: Record<string, unknown>, allowed: readonly string[], where: string): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InvalidAuthenticationRecordError(`unexpected field [${where}${key.slice(0, 64)}]`);
  }
}

function text(value: unknown, field: string): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_NAME) {
    throw new InvalidAuthenticationRecordError(`[${field}] must be a non-empty string of at most ${MAX_NAME} characters`);
  }
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidAuthenticationRecordError(`[${field}] must be one of [${allowed.join(", ")}]`);
  }
  return value as T;
}

/**
 * Checks that `value` is a record `captureAuthentication` could have written and returns a fresh
 * copy holding only the known fields. Throws {@link InvalidAuthenticationRecordError} otherwise.
 */
export function parseAuthenticationRecord(value: unknown): AuthenticationRecord {
  if (!isObjectLiteral(value)) throw new InvalidAuthenticationRecordError("expected an object");
  if (value.version !== AUTHENTICATION_RECORD_VERSION) {
    const shown = typeof value.version === "number" ? String(value.version) : typeof value.version;
    throw new InvalidAuthenticationRecordError(`unsupported version [${shown}], expected [${AUTHENTICATION_RECORD_VERSION}]`);
  }
  const type = oneOf(value.type, "type", ["realm", "api_key"] as const);
  onlyFields(value, type === "api_key" ? [...COMMON_FIELDS, "api_key"] : COMMON_FIELDS, "");
  const username = text(value.username, "username");
  if (!isObjectLiteral(value.realm)) throw new InvalidAuthenticationRecordError("[realm] must be an object {name, type}");
  onlyFields(value.realm, ["name", "type"], "realm.");
  const realm = { name: text(value.realm.name, "realm.name"), type: text(value.realm.type, "realm.type") };
  const capturedAt = value.captured_at;
  if (typeof capturedAt !== "number" || !Number.isSafeInteger(capturedAt) || capturedAt < 0) {
    throw new InvalidAuthenticationRecordError("[captured_at] must be a non-negative integer (milliseconds since the epoch)");
  }
  const source = oneOf(value.source, "source", ["primary", "secondary"] as const);
  if (type === "realm") {
    const authenticationType = oneOf(value.authentication_type, "authentication_type", ["realm", "token"] as const);
    return { version: 1, type, username, realm, authentication_type: authenticationType, source, captured_at: capturedAt };
  }
  const authenticationType = oneOf(value.authentication_type, "authentication_type", ["api_key", "token"] as const);
  if (!isObjectLiteral(value.api_key)) throw new InvalidAuthenticationRecordError("[api_key] must be an object {id, name}");
  onlyFields(value.api_key, ["id", "name"], "api_key.");
  const apiKey = {
    id: text(value.api_key.id, "api_key.id"),
    name: value.api_key.name === null ? null : text(value.api_key.name, "api_key.name"),
  };
  return { version: 1, type, username, realm, authentication_type: authenticationType, source, captured_at: capturedAt, api_key: apiKey };
}
