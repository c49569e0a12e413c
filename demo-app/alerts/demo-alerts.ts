import type { Router } from "express";
import type { Connection } from "mongoose";
import type { Security } from "../../lib/index.js";
import { createAlertModels, type AlertModels } from "./alert-models.js";
import { createAlertRoutes } from "./alert-routes.js";
import { AlertRunner, type AlertRunView } from "./alert-runner.js";
import { AlertScheduler } from "./alert-scheduler.js";
import { AlertService } from "./alert-service.js";
import { ClaimStore } from "./claim-store.js";
import { decodeEncryptionKey, loadOrCreateEncryptionKey } from "./encryption-key.js";
import { SecretBox } from "./secret-box.js";

export interface DemoAlertsOptions {
  /**
   * 32 bytes, hex or base64, sealing the alerts' API keys at rest (`npm run demo` passes
   * `KEYGUARD_DEMO_ENCRYPTION_KEY`). When absent, a key is generated on first use and kept in
   * the `demo_settings` collection.
   */
  encryptionKey?: string;
  /** How often due alerts are looked for, in ms. Default `1000`; `0` never runs them by itself. */
  tickMs?: number;
  /** Shortest accepted `interval`, in ms. Default `1000` (`"1s"`). */
  minIntervalMs?: number;
  /** Refused runs (401/403) in a row after which an alert is failing and backs off. Default `3`. */
  failingAfter?: number;
  /** Longest wait between two runs of a failing alert, in ms. Default `3_600_000` (1 h). */
  maxBackoffMs?: number;
  /** Where problems of background runs go (never secrets). Default `console.warn`. */
  warn?: (message: string) => void;
  /** Milliseconds since the epoch. */
  clock?: () => number;
}

/** The alerts feature of the demo app. */
export interface DemoAlerts {
  readonly models: AlertModels;
  /** The `/alerts` routes. */
  router(): Router;
  /** Starts the scheduler; runs call `${baseUrl}/orders`. */
  start(baseUrl: string): void;
  stop(): Promise<void>;
  /** Runs every due alert now; returns how many ran. */
  runDue(): Promise<number>;
  /** Runs one alert now, whatever its schedule. */
  runNow(id: string): Promise<AlertRunView | undefined>;
}

export function createDemoAlerts(security: Security, connection: Connection, options: DemoAlertsOptions = {}): DemoAlerts {
  const configured =
    options.encryptionKey !== undefined && options.encryptionKey !== "" ? decodeEncryptionKey(options.encryptionKey) : undefined;
  const tickMs = options.tickMs ?? 1000;
  if (!Number.isInteger(tickMs) || tickMs < 0) throw new TypeError("demo: alerts.tickMs must be a non-negative integer");
  const failingAfter = options.failingAfter ?? 3;
  if (!Number.isInteger(failingAfter) || failingAfter < 1) throw new TypeError("demo: alerts.failingAfter must be a positive integer");
  const maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
  if (!Number.isInteger(maxBackoffMs) || maxBackoffMs < 1) throw new TypeError("demo: alerts.maxBackoffMs must be a positive integer");
  const models = createAlertModels(connection);
  const clock = options.clock ?? Date.now;
  const warn = options.warn ?? ((message: string) => console.warn(`demo: ${message}`));
  let box: Promise<SecretBox> | undefined;
  const getBox = () => {
    box ??= (configured ? Promise.resolve(configured) : loadOrCreateEncryptionKey(models.settings)).then((key) => new SecretBox(key));
    // A failed load is retried next time rather than remembered.
    box.catch(() => (box = undefined));
    return box;
  };
  const claims = new ClaimStore(models.claims, clock);
  const service = new AlertService({ security, models, claims, box: getBox, minIntervalMs: options.minIntervalMs ?? 1000, clock, warn });
  const runner = new AlertRunner({ security, models, box: getBox, clock, keepRuns: 100, fetchTimeoutMs: 5000, failingAfter, maxBackoffMs });
  const scheduler = new AlertScheduler({ models, runner, claims, clock, warn, batch: 20 });
  return {
    models,
    router: () => createAlertRoutes(service),
    start(baseUrl) {
      runner.baseUrl = baseUrl.replace(/\/+$/, "");
      if (tickMs > 0) scheduler.start(tickMs);
    },
    stop: () => scheduler.stop(),
    runDue: () => scheduler.runDue(),
    runNow: (id) => scheduler.runNow(id),
  };
}
