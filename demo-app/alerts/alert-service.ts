import { randomBytes } from "node:crypto";
import type { Request } from "express";
import { SecurityError, type Authentication, type AuthenticationRecord, type Security } from "../../lib/index.js";
import type { AlertDoc, AlertModels, AlertRunDoc } from "./alert-models.js";
import { runView, type AlertRunView } from "./alert-runner.js";
import type { ClaimStore } from "./claim-store.js";
import { parseAlertRequest, type AlertInput } from "./parse-alert-request.js";
import type { SecretBox } from "./secret-box.js";

/**
 * What an alert's key may do, whoever owns it: read the shop's orders, nothing else. The key's
 * permission is this ∩ its owner's roles, so a leaked alert key can never write an order.
 */
export const ALERT_KEY_ROLE_DESCRIPTORS = {
  alert_orders_reader: { applications: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] },
};

const INVALIDATE_ACTION = "cluster:admin/xpack/security/api_key/invalidate";
const ALERT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** An alert as the API shows it: who it runs as and which key, never the key's secret. */
export interface AlertView {
  id: string;
  name: string;
  interval: string;
  condition: AlertDoc["condition"];
  run_as: {
    username: string;
    realm: { name: string; type: string };
    type: AuthenticationRecord["type"];
    source: AuthenticationRecord["source"];
  };
  created_by: { username: string; realm: string };
  authorization: { api_key: { id: string; name: string | null } };
  created_at: string;
  updated_at: string;
  next_run_at: string;
  /** `failing` after a few refused runs in a row (the key was revoked, the user lost the privilege): it backs off until updated. */
  health: {
    status: "ok" | "failing";
    consecutive_failures: number;
    failing_since: string | null;
    last_failure: { at: string; status: number; error: string } | null;
  };
}

export function alertView(doc: AlertDoc): AlertView {
  const health = doc.health ?? { consecutive_failures: 0 };
  return {
    id: doc._id,
    name: doc.name,
    interval: doc.interval,
    condition: doc.condition,
    run_as: { username: doc.run_as.username, realm: doc.run_as.realm, type: doc.run_as.type, source: doc.run_as.source },
    created_by: doc.created_by,
    authorization: { api_key: { id: doc.api_key.id, name: doc.api_key.name } },
    created_at: new Date(doc.created_at).toISOString(),
    updated_at: new Date(doc.updated_at).toISOString(),
    next_run_at: new Date(doc.next_run_at).toISOString(),
    health: {
      status: health.failing_since !== undefined ? "failing" : "ok",
      consecutive_failures: health.consecutive_failures,
      failing_since: health.failing_since !== undefined ? new Date(health.failing_since).toISOString() : null,
      last_failure: health.last_failure ? { ...health.last_failure, at: new Date(health.last_failure.at).toISOString() } : null,
    },
  };
}

interface AcquiredKey {
  identity: AuthenticationRecord;
  key: { id: string; name: string | null; encoded: string; managed: boolean };
}

export interface AlertServiceDeps {
  security: Security;
  models: AlertModels;
  claims: ClaimStore;
  /** The box sealing keys at rest (resolved once, on first use). */
  box: () => Promise<SecretBox>;
  minIntervalMs: number;
  clock: () => number;
  warn: (message: string) => void;
}

/** The realm that names "this caller" across its credentials (an API key counts as its owner). */
function realmOf(auth: Authentication): string {
  return (auth.effectiveApiKey?.creatorRealm ?? auth.lookupRealm).name;
}

function conflict(id: string): SecurityError {
  return new SecurityError(409, "version_conflict_engine_exception", `[${id}]: version conflict, the alert was changed concurrently`);
}

function notFound(id: string): SecurityError {
  return new SecurityError(404, "resource_not_found_exception", `alert [${id.slice(0, 64)}] not found`);
}

/**
 * The alerts' lifecycle. Every alert holds exactly one API key of the user it runs as: POST grants
 * it, PUT grants a fresh one and invalidates the old one, DELETE invalidates it. A caller must be
 * able to invalidate the keys it makes alerts hold (Kibana's pattern: `grant_api_key` plus the
 * invalidate action), which is checked before any key is made, so failures never leave keys behind.
 */
export class AlertService {
  constructor(private readonly deps: AlertServiceDeps) {}

  async create(req: Request): Promise<AlertView> {
    const caller = this.deps.security.authenticationOf(req);
    const input = parseAlertRequest(req.body, this.deps.minIntervalMs);
    const box = await this.deps.box();
    const id = randomBytes(9).toString("base64url");
    const { identity, key } = await this.acquireKey(req, caller, id);
    const now = this.deps.clock();
    const doc: AlertDoc = {
      _id: id,
      name: input.name,
      interval: input.interval,
      interval_ms: input.intervalMs,
      condition: input.condition,
      created_by: { username: caller.user.username, realm: realmOf(caller) },
      run_as: identity,
      api_key: { id: key.id, name: key.name, managed: key.managed, sealed: box.seal(key.encoded, id) },
      created_at: now,
      updated_at: now,
      next_run_at: now,
      version: 1,
      health: { consecutive_failures: 0 },
    };
    try {
      await this.deps.models.alerts.create(doc);
    } catch (error) {
      await this.discard(caller, key, identity);
      throw error;
    }
    return alertView(doc);
  }

  async update(req: Request, id: string): Promise<AlertView> {
    const caller = this.deps.security.authenticationOf(req);
    const current = await this.find(caller, id);
    const stored: AlertInput = {
      name: current.name,
      interval: current.interval,
      intervalMs: current.interval_ms,
      condition: current.condition,
    };
    const input = parseAlertRequest(req.body, this.deps.minIntervalMs, stored);
    const box = await this.deps.box();
    if (current.api_key.managed) await this.ensureCanInvalidate(caller, current.run_as);
    // Only one writer of version N+1 (a unique claim: FerretDB's conditional updates alone are not
    // atomic), so two racing updates can never both store a key and leave one dangling.
    const slot = `v${current.version + 1}`;
    if (!(await this.deps.claims.claim(id, slot, current.version + 1))) throw conflict(id);
    let acquired: AcquiredKey;
    try {
      acquired = await this.acquireKey(req, caller, id);
    } catch (error) {
      await this.deps.claims.release(id, slot);
      throw error;
    }
    const { identity, key } = acquired;
    const now = this.deps.clock();
    const changed = await this.deps.models.alerts
      .findOneAndUpdate(
        { _id: id, version: current.version },
        {
          $set: {
            name: input.name,
            interval: input.interval,
            interval_ms: input.intervalMs,
            condition: input.condition,
            run_as: identity,
            api_key: { id: key.id, name: key.name, managed: key.managed, sealed: box.seal(key.encoded, id) },
            updated_at: now,
            // An update is how a failing alert is fixed (a fresh key): it resumes at once.
            next_run_at:
              input.intervalMs !== current.interval_ms || current.health?.failing_since !== undefined ? now : current.next_run_at,
            version: current.version + 1,
            health: { consecutive_failures: 0 },
          },
        },
        { returnDocument: "after" },
      )
      .lean<AlertDoc>()
      .exec();
    if (!changed) {
      await this.discard(caller, key, identity);
      throw conflict(id);
    }
    if (current.api_key.managed && current.api_key.id !== key.id) await this.invalidate(caller, current.api_key.id, current.run_as);
    return alertView(changed);
  }

  async remove(req: Request, id: string): Promise<{ deleted: true; invalidated_api_keys: string[] }> {
    const caller = this.deps.security.authenticationOf(req);
    const current = await this.find(caller, id);
    if (current.api_key.managed) await this.ensureCanInvalidate(caller, current.run_as);
    // The same claim as an update's: a racing update cannot store a fresh key into a deleted alert.
    const slot = `v${current.version + 1}`;
    if (!(await this.deps.claims.claim(id, slot, current.version + 1))) throw conflict(id);
    // Key first: if invalidation fails the alert stays, still owning its (valid) key.
    let invalidated: string[] = [];
    try {
      if (current.api_key.managed) invalidated = await this.invalidate(caller, current.api_key.id, current.run_as);
    } catch (error) {
      await this.deps.claims.release(id, slot);
      throw error;
    }
    await this.deps.models.alerts.deleteOne({ _id: id }).exec();
    await this.deps.models.runs.deleteMany({ alert_id: id }).exec();
    await this.deps.claims.prune(id);
    return { deleted: true, invalidated_api_keys: invalidated };
  }

  async get(req: Request, id: string): Promise<AlertView> {
    return alertView(await this.find(this.deps.security.authenticationOf(req), id));
  }

  async list(req: Request): Promise<AlertView[]> {
    const caller = this.deps.security.authenticationOf(req);
    const docs = await this.deps.models.alerts
      .find({ "created_by.username": caller.user.username, "created_by.realm": realmOf(caller) })
      .sort({ created_at: 1 })
      .limit(1000)
      .lean<AlertDoc[]>()
      .exec();
    return docs.map(alertView);
  }

  /** The alert's runs, newest first. */
  async runs(req: Request, id: string): Promise<{ alert_id: string; runs: AlertRunView[] }> {
    const alert = await this.find(this.deps.security.authenticationOf(req), id);
    const docs = await this.deps.models.runs.find({ alert_id: alert._id }).sort({ at: -1 }).limit(100).lean<AlertRunDoc[]>().exec();
    return { alert_id: alert._id, runs: docs.map(runView) };
  }

  /** The alert, if `caller` set it up (anyone else gets the same 404 as for a missing alert). */
  async find(caller: Authentication, id: string): Promise<AlertDoc> {
    if (typeof id !== "string" || !ALERT_ID.test(id)) throw notFound(String(id));
    const doc = await this.deps.models.alerts
      .findOne({ _id: id, "created_by.username": caller.user.username, "created_by.realm": realmOf(caller) })
      .lean<AlertDoc>()
      .exec();
    if (!doc) throw notFound(id);
    return doc;
  }

  /**
   * The identity the alert will run as and its key: with `es-secondary-authorization`, a key
   * granted for that user; otherwise the caller itself — its own API key when it authenticated
   * with one, else a key created for it.
   */
  private async acquireKey(req: Request, caller: Authentication, alertId: string): Promise<AcquiredKey> {
    const { security } = this.deps;
    const identity = security.captureAuthentication(req);
    const request = { name: `alert-${alertId}`, role_descriptors: ALERT_KEY_ROLE_DESCRIPTORS, metadata: { demo_alert_id: alertId } };
    if (req.security?.secondary) {
      await this.ensureCanInvalidate(caller, identity);
      const key = await security.grantApiKeyFor(req, request);
      return { identity, key: { id: key.id, name: key.name, encoded: key.encoded, managed: true } };
    }
    const presented = presentedApiKey(req, caller);
    if (presented) return { identity, key: { ...presented, managed: false } };
    await this.ensureCanInvalidate(caller, identity);
    const key = await security.apiKeys.create(caller, request);
    return { identity, key: { id: key.id, name: key.name, encoded: key.encoded, managed: true } };
  }

  private ownedByCaller(caller: Authentication, owner: AuthenticationRecord): boolean {
    return owner.username === caller.user.username && owner.realm.name === realmOf(caller);
  }

  private async ensureCanInvalidate(caller: Authentication, owner: AuthenticationRecord): Promise<void> {
    const permission = await this.deps.security.permissionFor(caller);
    if (permission.grantsClusterAction(INVALIDATE_ACTION)) return;
    if (this.ownedByCaller(caller, owner) && permission.grantsClusterAction(INVALIDATE_ACTION, { ownApiKeyRequest: true })) return;
    throw new SecurityError(
      403,
      "security_exception",
      `action [${INVALIDATE_ACTION}] is unauthorized for user [${caller.user.username}] with effective roles [${caller.user.roles.join(",")}]: ` +
        `managing an alert that runs as [${owner.username}] requires invalidating that user's API keys`,
    );
  }

  private async invalidate(caller: Authentication, keyId: string, owner: AuthenticationRecord): Promise<string[]> {
    const body = this.ownedByCaller(caller, owner) ? { ids: [keyId], owner: true } : { ids: [keyId] };
    const result = await this.deps.security.apiKeys.invalidate(caller, body);
    if (result.error_count > 0) {
      throw new SecurityError(
        500,
        "exception",
        `API key [${keyId}] could not be invalidated: ${result.error_details?.[0]?.reason ?? "unknown error"}`,
      );
    }
    return result.invalidated_api_keys;
  }

  /** Best effort after a failed write: the key just made must not outlive the failure. */
  private async discard(caller: Authentication, key: AcquiredKey["key"], owner: AuthenticationRecord): Promise<void> {
    if (!key.managed) return;
    try {
      await this.invalidate(caller, key.id, owner);
    } catch (error) {
      this.deps.warn(
        `API key [${key.id}] of a failed alert write could not be invalidated: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/** The caller's own API key from `Authorization: ApiKey …`, when that is how it authenticated. */
function presentedApiKey(req: Request, caller: Authentication): { id: string; name: string | null; encoded: string } | undefined {
  if (caller.type !== "api_key" || !caller.apiKey || caller.isRunAs) return undefined;
  const match = /^apikey\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  if (!match) return undefined;
  const encoded = match[1] as string;
  const id = Buffer.from(encoded, "base64").toString("utf8").split(":", 1)[0];
  return id === caller.apiKey.id ? { id, name: caller.apiKey.name, encoded } : undefined;
}
