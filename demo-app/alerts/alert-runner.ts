import { IdentityRevokedError, isSecurityError, type Security } from "../../lib/index.js";
import type { AlertDoc, AlertHealth, AlertModels, AlertRunDoc } from "./alert-models.js";
import { matchesCondition } from "./parse-alert-request.js";
import type { SecretBox } from "./secret-box.js";

/** One run as `GET /alerts/:id/runs` shows it. */
export interface AlertRunView {
  at: string;
  status: number;
  username: string | null;
  hits: number | null;
  error?: string;
}

export interface AlertRunnerDeps {
  security: Security;
  models: AlertModels;
  box: () => Promise<SecretBox>;
  clock: () => number;
  /** Most runs kept per alert. */
  keepRuns: number;
  fetchTimeoutMs: number;
  /** Refused runs (401/403) in a row after which the alert is failing and backs off. */
  failingAfter: number;
  /** Longest wait between two runs of a failing alert. */
  maxBackoffMs: number;
}

const READ_ORDERS = { application: [{ application: "shop", privileges: ["read"], resources: ["orders"] }] };

/** `interval × 2^step`, at most `maxMs` (and never shorter than the interval itself). */
export function backoffMs(intervalMs: number, step: number, maxMs: number): number {
  return Math.max(intervalMs, Math.min(maxMs, intervalMs * 2 ** Math.min(step, 30)));
}

export function runView(doc: AlertRunDoc): AlertRunView {
  const view: AlertRunView = {
    at: new Date(doc.at).toISOString(),
    status: doc.status,
    username: doc.username ?? null,
    hits: doc.hits ?? null,
  };
  if (doc.error !== undefined) view.error = doc.error;
  return view;
}

/**
 * Runs an alert: re-validates the identity it runs as (the user may have been deleted, disabled
 * or lost `shop:read` since — an API key keeps its owner's roles as of its creation, so this is
 * where a demotion takes effect), then calls the app's own guarded `GET /orders` with the alert's
 * key, exactly as any client would, and records what happened.
 */
export class AlertRunner {
  /** The app's own address, e.g. `http://127.0.0.1:9200` (set when the server listens). */
  baseUrl: string | undefined;

  constructor(private readonly deps: AlertRunnerDeps) {}

  async run(alert: AlertDoc): Promise<AlertRunView> {
    const at = this.deps.clock();
    const outcome = await this.attempt(alert);
    const doc: AlertRunDoc = { alert_id: alert._id, at, ...outcome };
    await this.deps.models.runs.create(doc);
    await this.prune(alert._id);
    await this.recordHealth(alert, doc);
    return runView(doc);
  }

  /**
   * A refused run (401: the key was revoked or expired; 403: the user lost the privilege) will
   * be refused again until someone updates the alert: after `failingAfter` in a row the alert is
   * failing and its runs back off exponentially (capped at `maxBackoffMs`), so a dead alert does
   * not keep knocking on the app with a bad key. A success clears it; other errors (5xx) leave
   * it as it was. Conditional on the version read, so a concurrent update (which clears it) wins.
   */
  private async recordHealth(alert: AlertDoc, run: AlertRunDoc): Promise<void> {
    const previous = alert.health ?? { consecutive_failures: 0 };
    const refused = run.status === 401 || run.status === 403;
    if (!refused && (run.status !== 200 || previous.consecutive_failures === 0)) return;
    const set: Partial<AlertDoc> = {};
    if (refused) {
      const failures = previous.consecutive_failures + 1;
      const health: AlertHealth = {
        consecutive_failures: failures,
        last_failure: { at: run.at, status: run.status, error: run.error ?? `HTTP ${run.status}` },
      };
      if (failures >= this.deps.failingAfter) {
        health.failing_since = previous.failing_since ?? run.at;
        set.next_run_at = run.at + backoffMs(alert.interval_ms, failures - this.deps.failingAfter + 1, this.deps.maxBackoffMs);
      }
      set.health = health;
    } else {
      set.health = { consecutive_failures: 0 };
    }
    await this.deps.models.alerts.updateOne({ _id: alert._id, version: alert.version }, { $set: set }).exec();
  }

  private async attempt(alert: AlertDoc): Promise<Omit<AlertRunDoc, "alert_id" | "at">> {
    const username = alert.run_as.username;
    const { security } = this.deps;
    try {
      const identity = await security.restoreAuthentication(alert.run_as);
      const check = await security.hasPrivileges(identity, READ_ORDERS);
      if (!check.has_all_requested) {
        return { status: 403, username, hits: null, error: `user [${username}] no longer holds [shop:read] on [orders]` };
      }
    } catch (error) {
      if (error instanceof IdentityRevokedError) return { status: error.status, username, hits: null, error: error.reason };
      if (isSecurityError(error)) return { status: error.status, username, hits: null, error: error.reason };
      throw error;
    }

    const encoded = (await this.deps.box()).open(alert.api_key.sealed, alert._id);
    if (encoded === undefined) {
      return {
        status: 500,
        username,
        hits: null,
        error: "the stored API key cannot be decrypted (was KEYGUARD_DEMO_ENCRYPTION_KEY changed?)",
      };
    }
    if (!this.baseUrl) return { status: 503, username, hits: null, error: "the app is not listening yet" };
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/orders`, {
        headers: { authorization: `ApiKey ${encoded}`, accept: "application/json" },
        signal: AbortSignal.timeout(this.deps.fetchTimeoutMs),
      });
    } catch (error) {
      return { status: 502, username, hits: null, error: `GET /orders failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    const body = (await res.json().catch(() => undefined)) as
      { user?: unknown; orders?: unknown; error?: { reason?: unknown; additional_unsuccessful_credentials?: unknown } } | undefined;
    if (res.status !== 200) {
      const reason = typeof body?.error?.reason === "string" ? body.error.reason : `HTTP ${res.status}`;
      const detail = body?.error?.additional_unsuccessful_credentials;
      return { status: res.status, username, hits: null, error: typeof detail === "string" ? `${reason} (${detail})` : reason };
    }
    const orders = Array.isArray(body?.orders) ? (body.orders as Array<{ item?: unknown; quantity?: unknown }>) : [];
    return {
      status: 200,
      username: typeof body?.user === "string" ? body.user : null,
      hits: orders.filter((order) => matchesCondition(alert.condition, order)).length,
    };
  }

  private async prune(alertId: string): Promise<void> {
    const oldest = await this.deps.models.runs
      .find({ alert_id: alertId }, { at: 1 })
      .sort({ at: -1 })
      .skip(this.deps.keepRuns)
      .limit(1)
      .lean<Array<{ at: number }>>()
      .exec();
    const cutoff = oldest[0]?.at;
    if (cutoff !== undefined) await this.deps.models.runs.deleteMany({ alert_id: alertId, at: { $lte: cutoff } }).exec();
  }
}
