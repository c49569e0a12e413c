import type { User } from "../../model/authentication.js";
import type { RealmResult } from "../../model/realm.js";

/** Normalizes what a host realm returned. */
export function toRealmResult(value: RealmResult | User | null): RealmResult {
  if (value === null || value === undefined) return { status: "continue" };
  if ("status" in value) return value;
  return { status: "success", user: value };
}
