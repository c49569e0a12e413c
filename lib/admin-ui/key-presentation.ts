import type { ApiKeyInfo } from "./api-types.js";

export type KeyStatus = "active" | "disabled" | "expired" | "invalidated";

export function keyStatus(key: ApiKeyInfo, now: number): KeyStatus {
  if (key.invalidated) return "invalidated";
  if (typeof key.expiration === "number" && key.expiration <= now) return "expired";
  return key.enabled === false ? "disabled" : "active";
}

/** Keys need no name in Elasticsearch; an unnamed one is still told apart by its id. */
export function displayName(key: ApiKeyInfo): string {
  return key.name === null || key.name === undefined || key.name === "" ? "(unnamed key " + key.id + ")" : key.name;
}

export function shorten(text: string, max: number): string {
  return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
}

/** The first three metadata entries, each value cut short, for the table cell. */
export function metadataSummary(metadata: Record<string, unknown> | undefined): string {
  const entries = Object.entries(metadata ?? {});
  if (entries.length === 0) return "";
  const parts = entries
    .slice(0, 3)
    .map(([name, value]) => name + ": " + shorten(typeof value === "string" ? value : String(JSON.stringify(value)), 24));
  if (entries.length > 3) parts.push("+" + (entries.length - 3) + " more");
  return parts.join(", ");
}

/** The key's metadata and role descriptors as shown in its details. */
export function keyDetailsJson(key: ApiKeyInfo): string {
  return JSON.stringify({ metadata: key.metadata ?? {}, role_descriptors: key.role_descriptors ?? {} }, null, 2);
}
