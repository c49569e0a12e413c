import type { RealmRef } from "../../model/authentication.js";
import type { Realm } from "../../model/realm.js";

export function realmRef(realm: Realm): RealmRef {
  return { name: realm.name, type: realm.type };
}
