/**
 * The structured events of the audit trail (the `audit` option). Every event is a plain,
 * JSON-serializable object with a `type` and an ISO-8601 `timestamp`; none ever carries a
 * password, an API-key secret, a token or a stored hash, only names and ids.
 *
 * Field names follow Elasticsearch's audit log where one exists (`authentication_success`,
 * `access_denied`, the run-as "run by" user), flattened into snake_case.
 */
import type { AuthenticationType } from "./authentication.js";

/** Where a request came from (absent for work that is not a request, e.g. the programmatic API). */
export interface AuditRequestInfo {
  /** The client address Express resolved (`req.ip`, honouring the app's `trust proxy`). */
  client_ip?: string;
  request_method?: string;
  /** The request path, without its query string (which may carry the host app's own secrets). */
  request_uri?: string;
}

/** Who acted: the effective user, and for run-as the user who presented the credentials. */
export interface AuditActor {
  username: string;
  /** The realm that authenticated the credentials (`_es_api_key` for an API key). */
  realm: string;
  authentication_type: AuthenticationType;
  api_key_id?: string;
  /** Run-as: the user who authenticated and ran as `username`. */
  run_by_username?: string;
  /** Run-as: the realm `username` was looked up in. */
  lookup_realm?: string;
}

/** A request was authenticated (primary credentials, after run-as). */
export interface AuthenticationSuccessEvent extends AuditActor, AuditRequestInfo {
  type: "authentication_success";
  timestamp: string;
  api_key_name?: string | null;
  /** The `es-secondary-authorization` user, when one was sent and authenticated. */
  secondary_username?: string;
  secondary_realm?: string;
}

/** What a refused request presented, read from its `Authorization` header without the secret. */
export type AuditCredential = "basic" | "api_key" | "bearer" | "malformed" | "unknown_scheme" | "none";

/** A request's credentials were refused (401), or could not be checked (503). */
export interface AuthenticationFailureEvent extends AuditRequestInfo {
  type: "authentication_failure";
  timestamp: string;
  status: number;
  /** The reason sent to the client (it names users and key ids, never secrets). */
  reason: string;
  credential: AuditCredential;
  /** The Basic username presented, if any. */
  username?: string;
  /** The API-key id presented, if any. */
  api_key_id?: string;
}

/**
 * An API key was created (`api_key_create`), granted, updated or invalidated; or (extensions)
 * disabled, enabled, its limits replaced (`api_key_limits`) or its credits set (`api_key_credits`).
 */
export interface ApiKeyAuditEvent {
  type:
    | "api_key_create"
    | "api_key_grant"
    | "api_key_update"
    | "api_key_invalidate"
    | "api_key_disable"
    | "api_key_enable"
    | "api_key_limits"
    | "api_key_credits";
  timestamp: string;
  /** Who made the call (for a grant: the granting user, not the key's owner). */
  caller: AuditActor;
  /** The owner of the keys (create, grant, update). Invalidations may span owners: see `ids`. */
  owner?: { username: string; realm: string };
  /** The keys this call created, updated or invalidated. */
  ids: string[];
  /** Create and grant: the key's name. */
  name?: string;
  /** Update: keys that needed no change. Invalidate: keys already invalidated. */
  unchanged_ids?: string[];
  /** Update and invalidate: keys the call could not change, with the reason. */
  errors?: Array<{ id?: string; reason: string }>;
}

/** An authorization check refused an action (the 403s). */
export interface AccessDeniedEvent extends AuditRequestInfo {
  type: "access_denied";
  timestamp: string;
  /** The refused action: a cluster action, an index or application privilege, or run-as. */
  action: string;
  username: string;
  roles: string[];
  api_key_id?: string;
  run_by_username?: string;
  /** Run-as denials: the user the caller tried to run as. */
  run_as?: string;
  indices?: string[];
  application?: string;
  resources?: string[];
  /** The 403 reason sent to the client. */
  reason: string;
}

/**
 * Hash upgrade on use: after a successful authentication, the key's stored hash was rewritten to
 * the configured format (`upgraded`), another write won first (`skipped`: the key was updated,
 * invalidated or upgraded meanwhile), or the write failed (`failed`, e.g. the database is away).
 */
export interface ApiKeyHashUpgradeEvent {
  type: "api_key_hash_upgrade";
  timestamp: string;
  api_key_id: string;
  /** The stored hash format before: `ssha256`, `pbkdf2` (also `{PBKDF2_STRETCH}`) or `bcrypt`. */
  from: string;
  /** The configured format (`apiKeys.hashAlgorithm`). */
  to: string;
  outcome: "upgraded" | "skipped" | "failed";
  /** `failed`: the error's name and code only (a driver message may quote the document). */
  reason?: string;
}

/**
 * A key ran out of credits: the first request this instance refused for it (a 429 "usage
 * exceeded"), once per instance until the key has credits again.
 */
export interface ApiKeyUsageExceededEvent {
  type: "api_key_usage_exceeded";
  timestamp: string;
  api_key_id: string;
  api_key_name: string | null;
  /** The key's owner and the owner's realm. */
  username: string;
  realm: string;
}

/** Every event of the audit trail. Switch on `type`. */
export type AuditEvent =
  | AuthenticationSuccessEvent
  | AuthenticationFailureEvent
  | ApiKeyAuditEvent
  | AccessDeniedEvent
  | ApiKeyHashUpgradeEvent
  | ApiKeyUsageExceededEvent;

/**
 * Where audit events go: a function, or a logger with an `info(object, message)` method such as
 * pino (`audit: pino()` writes one JSON line per event, the event's `type` as the message).
 */
export type AuditSink = ((event: AuditEvent) => void) | { info(event: AuditEvent, message?: string): void };
