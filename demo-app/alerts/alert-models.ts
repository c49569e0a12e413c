import mongoose, { type Connection, type Model } from "mongoose";
import type { AuthenticationRecord } from "../../lib/index.js";

/** What an alert looks for in the orders it reads. `{}` matches every order. */
export interface AlertCondition {
  /** Only orders of this item. */
  item?: string;
  /** Only orders of at least this quantity. */
  min_quantity?: number;
}

export interface AlertDoc {
  _id: string;
  name: string;
  interval: string;
  interval_ms: number;
  condition: AlertCondition;
  /** The caller who set the alert up; only they may read, change or delete it. */
  created_by: { username: string; realm: string };
  /** `security.captureAuthentication(req)`: who the alert runs as (no secret in it). */
  run_as: AuthenticationRecord;
  api_key: {
    id: string;
    name: string | null;
    /** Granted or created for this alert (so the alert invalidates it), or the caller's own key (never invalidated here). */
    managed: boolean;
    /** The encoded key, AES-256-GCM sealed with the alert id as context. */
    sealed: string;
  };
  created_at: number;
  updated_at: number;
  next_run_at: number;
  /** Compare-and-set counter for updates. */
  version: number;
  /** Consecutive refused runs; absent on alerts stored before it existed (then: none). */
  health?: AlertHealth;
}

/** How an alert's recent runs went: refused runs (401/403) in a row make it failing and back off. */
export interface AlertHealth {
  consecutive_failures: number;
  /** When it was marked failing (epoch ms); absent while it is not. */
  failing_since?: number;
  /** The last refused run. */
  last_failure?: { at: number; status: number; error: string };
}

export interface AlertRunDoc {
  alert_id: string;
  at: number;
  /** HTTP status of the run's `GET /orders`, or of the identity check that stopped it. */
  status: number;
  username: string | null;
  hits: number | null;
  error?: string;
}

/** A won claim (see `ClaimStore`); `at` orders an alert's claims for pruning. */
export interface ClaimDoc {
  _id: string;
  alert_id: string;
  at: number;
  claimed_at: number;
}

export interface SettingDoc {
  _id: string;
  value: string;
}

export interface AlertModels {
  alerts: Model<AlertDoc>;
  runs: Model<AlertRunDoc>;
  settings: Model<SettingDoc>;
  claims: Model<ClaimDoc>;
}

function model<T>(connection: Connection, name: string, schema: mongoose.Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

/** The demo's own collections: `demo_alerts`, `demo_alert_runs`, `demo_alert_claims`, `demo_settings`. */
export function createAlertModels(connection: Connection): AlertModels {
  const { Mixed } = mongoose.Schema.Types;
  const alerts = new mongoose.Schema<AlertDoc>(
    {
      _id: { type: String, required: true },
      name: { type: String, required: true },
      interval: { type: String, required: true },
      interval_ms: { type: Number, required: true },
      condition: { type: Mixed, default: {} },
      created_by: { username: { type: String, required: true }, realm: { type: String, required: true } },
      run_as: { type: Mixed, required: true },
      api_key: {
        id: { type: String, required: true },
        name: { type: Mixed, default: null },
        managed: { type: Boolean, required: true },
        sealed: { type: String, required: true },
      },
      created_at: { type: Number, required: true },
      updated_at: { type: Number, required: true },
      next_run_at: { type: Number, required: true, index: true },
      version: { type: Number, required: true },
      health: { type: Mixed },
    },
    { collection: "demo_alerts", versionKey: false, minimize: false },
  );
  alerts.index({ "created_by.username": 1, "created_by.realm": 1 });
  const runs = new mongoose.Schema<AlertRunDoc>(
    {
      alert_id: { type: String, required: true },
      at: { type: Number, required: true },
      status: { type: Number, required: true },
      username: { type: Mixed, default: null },
      hits: { type: Mixed, default: null },
      error: { type: String },
    },
    { collection: "demo_alert_runs", versionKey: false },
  );
  runs.index({ alert_id: 1, at: -1 });
  const settings = new mongoose.Schema<SettingDoc>(
    { _id: { type: String, required: true }, value: { type: String, required: true } },
    { collection: "demo_settings", versionKey: false },
  );
  const claims = new mongoose.Schema<ClaimDoc>(
    {
      _id: { type: String, required: true },
      alert_id: { type: String, required: true },
      at: { type: Number, required: true },
      claimed_at: { type: Number, required: true },
    },
    { collection: "demo_alert_claims", versionKey: false },
  );
  claims.index({ alert_id: 1, at: 1 });
  return {
    alerts: model(connection, "DemoAlert", alerts),
    claims: model(connection, "DemoAlertClaim", claims),
    runs: model(connection, "DemoAlertRun", runs),
    settings: model(connection, "DemoSetting", settings),
  };
}
