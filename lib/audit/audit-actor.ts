import type { Authentication } from "../model/authentication.js";
import type { AuditActor } from "../model/audit-event.js";

/** The acting subject of `auth`, as audit events name it (names and ids only). */
export function auditActor(auth: Authentication): AuditActor {
  const actor: AuditActor = { username: auth.user.username, realm: auth.authenticationRealm.name, authentication_type: auth.type };
  if (auth.apiKey) actor.api_key_id = auth.apiKey.id;
  if (auth.authenticatingUser) {
    actor.run_by_username = auth.authenticatingUser.username;
    actor.lookup_realm = auth.lookupRealm.name;
  }
  return actor;
}
