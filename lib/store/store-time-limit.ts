import type { Aggregate, Model, Query, Schema } from "mongoose";
import { storeTimeoutError } from "../support/security-error.js";

/**
 * Server-side time limits (`maxTimeMS`) on every query the stores send, equal to the
 * `storeTimeout` deadline: when a request answers 503 at its deadline, the database stops the
 * query too, instead of working on for nobody and slowing everyone else down. The server's
 * `MaxTimeMSExpired` (code 50) becomes the deadline's own 503.
 *
 * Mongoose queries and aggregations get the limit from schema middleware ({@link
 * installStoreTimeLimit}), so a new store query cannot forget it; calls that go to the driver
 * directly pass {@link StoreTimeLimit.options} and {@link StoreTimeLimit.run}.
 *
 * FerretDB 1.24: enforces `maxTimeMS` on find, count and aggregate (answering code 50), accepts and
 * ignores it on update, delete, insert and findAndModify, and refuses it on `distinct` ("unknown
 * field"), which is therefore left out (no store uses `distinct`).
 */
export class StoreTimeLimit {
  /** `ms <= 0`: no limit (the `storeTimeout` deadline is off too). */
  constructor(readonly ms: number) {}

  /** Options for a driver call: `{ maxTimeMS }`, or nothing without a limit. */
  get options(): { maxTimeMS?: number } {
    return this.ms > 0 ? { maxTimeMS: this.ms } : {};
  }

  /** The deadline's 503 for the server's time-limit error; any other error unchanged. */
  translate(error: unknown): unknown {
    return isMaxTimeExpired(error) ? storeTimeoutError(this.ms) : error;
  }

  /** Settles like `work`, with {@link translate} applied to its error. */
  async run<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error) {
      throw this.translate(error);
    }
  }
}

const NO_LIMIT = new StoreTimeLimit(0);
const MAX_TIME_MS_EXPIRED = 50;

/** Whether the server stopped the command at its `maxTimeMS`. */
export function isMaxTimeExpired(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, codeName } = error as { code?: unknown; codeName?: unknown };
  return code === MAX_TIME_MS_EXPIRED || codeName === "MaxTimeMSExpired";
}

// Several security instances may share a connection and collection prefix, and then share the
// models: the limit belongs to the model, and the instance created last sets it.
const limits = new WeakMap<object, StoreTimeLimit>();

/** Sets the time limit of the queries of `model` (see {@link installStoreTimeLimit}). */
export function setStoreTimeLimit<T>(model: Model<T>, limit: StoreTimeLimit): void {
  limits.set(model, limit);
}

/** The time limit of `model`'s queries; none when it was never set. */
export function storeTimeLimitOf(model: object): StoreTimeLimit {
  return limits.get(model) ?? NO_LIMIT;
}

// Every query operation a store may use, `distinct` excepted (see the class comment).
const QUERY_OPERATIONS: Array<
  | "find"
  | "findOne"
  | "countDocuments"
  | "estimatedDocumentCount"
  | "updateOne"
  | "updateMany"
  | "replaceOne"
  | "deleteOne"
  | "deleteMany"
  | "findOneAndUpdate"
  | "findOneAndReplace"
  | "findOneAndDelete"
> = [
  "find",
  "findOne",
  "countDocuments",
  "estimatedDocumentCount",
  "updateOne",
  "updateMany",
  "replaceOne",
  "deleteOne",
  "deleteMany",
  "findOneAndUpdate",
  "findOneAndReplace",
  "findOneAndDelete",
];

/**
 * Schema middleware giving every query and aggregation of the schema's model its model's time
 * limit (unless the query set its own `maxTimeMS`), and turning the server's time-limit error into
 * the deadline's 503.
 */
export function installStoreTimeLimit<T>(schema: Schema<T>): void {
  schema.pre(QUERY_OPERATIONS, { document: false, query: true }, function (this: Query<unknown, unknown>) {
    const limit = storeTimeLimitOf(this.model);
    if (limit.ms > 0 && this.getOptions().maxTimeMS === undefined) this.maxTimeMS(limit.ms);
  });
  schema.pre("aggregate", function (this: Aggregate<unknown>) {
    const limit = storeTimeLimitOf(this.model());
    if (limit.ms > 0 && this.options.maxTimeMS === undefined) this.option({ maxTimeMS: limit.ms });
  });
  schema.post(
    QUERY_OPERATIONS,
    { document: false, query: true, errorHandler: true },
    function (this: Query<unknown, unknown>, error, _res, next) {
      next(storeTimeLimitOf(this.model).translate(error) as Error);
    },
  );
  schema.post("aggregate", { errorHandler: true }, function (this: Aggregate<unknown>, error, _res, next) {
    next(storeTimeLimitOf(this.model()).translate(error) as Error);
  });
}
