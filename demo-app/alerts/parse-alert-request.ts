import { SecurityError } from "../../lib/index.js";
import type { AlertCondition } from "./alert-models.js";

/** A validated `POST /alerts` body (or `PUT`, merged over the stored alert). */
export interface AlertInput {
  name: string;
  interval: string;
  intervalMs: number;
  condition: AlertCondition;
}

const FIELDS = ["name", "interval", "condition"];
const CONDITION_FIELDS = ["item", "min_quantity"];
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_INTERVAL_MS = 7 * 86_400_000;

function invalid(reason: string): SecurityError {
  return new SecurityError(400, "illegal_argument_exception", reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseInterval(value: unknown, minIntervalMs: number): { interval: string; intervalMs: number } {
  const match = typeof value === "string" ? /^([1-9]\d{0,6})([smhd])$/.exec(value) : null;
  if (!match) throw invalid('[interval] must be a duration such as "30s", "10m", "1h" or "1d"');
  const intervalMs = Number(match[1]) * (UNIT_MS[match[2] as string] as number);
  if (intervalMs < minIntervalMs || intervalMs > MAX_INTERVAL_MS) {
    throw invalid(`[interval] must be between ${minIntervalMs / 1000}s and 7d`);
  }
  return { interval: value as string, intervalMs };
}

function parseCondition(value: unknown): AlertCondition {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid('[condition] must be an object such as {"item":"book","min_quantity":2}');
  for (const key of Object.keys(value)) {
    if (!CONDITION_FIELDS.includes(key))
      throw invalid(`unknown field [condition.${key.slice(0, 64)}]; expected ${CONDITION_FIELDS.join(", ")}`);
  }
  const condition: AlertCondition = {};
  if (value.item !== undefined) {
    if (typeof value.item !== "string" || value.item.length === 0 || value.item.length > 200)
      throw invalid("[condition.item] must be a string of 1 to 200 characters");
    condition.item = value.item;
  }
  if (value.min_quantity !== undefined) {
    if (typeof value.min_quantity !== "number" || !Number.isSafeInteger(value.min_quantity) || value.min_quantity < 1) {
      throw invalid("[condition.min_quantity] must be a positive integer");
    }
    condition.min_quantity = value.min_quantity;
  }
  return condition;
}

/**
 * Validates an alert body. With `current` (PUT), missing fields keep their stored values.
 * Request data only ever becomes plain values: nothing here can turn into a query operator.
 */
export function parseAlertRequest(body: unknown, minIntervalMs: number, current?: AlertInput): AlertInput {
  if (!isObject(body)) throw invalid('expected a JSON object {"name": …, "interval": "10s", "condition": {…}}');
  for (const key of Object.keys(body)) {
    if (!FIELDS.includes(key)) throw invalid(`unknown field [${key.slice(0, 64)}]; expected ${FIELDS.join(", ")}`);
  }
  let name = current?.name;
  if (body.name !== undefined || !current) {
    if (typeof body.name !== "string" || body.name.trim().length === 0 || body.name.length > 200)
      throw invalid("[name] must be a string of 1 to 200 characters");
    name = body.name;
  }
  const interval =
    body.interval !== undefined || !current
      ? parseInterval(body.interval, minIntervalMs)
      : { interval: current.interval, intervalMs: current.intervalMs };
  const condition = body.condition !== undefined || !current ? parseCondition(body.condition) : current.condition;
  return { name: name as string, ...interval, condition };
}

/** Whether an order counts as a hit of `condition`. */
export function matchesCondition(condition: AlertCondition, order: { item?: unknown; quantity?: unknown }): boolean {
  if (condition.item !== undefined && order.item !== condition.item) return false;
  if (condition.min_quantity !== undefined && !(typeof order.quantity === "number" && order.quantity >= condition.min_quantity))
    return false;
  return true;
}
