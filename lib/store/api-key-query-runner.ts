/**
 * Runs the Query API keys engine's plans against the API-key collection. The engine (lib/query)
 * builds every filter, sort and projection as plain objects from validated values; this is where
 * they meet the driver: counts, finds, streamed cursors, the server's time limit on each command,
 * and the probe of the server's regex dialect.
 */
import type { mongo } from "mongoose";

/** The collection API keys are queried in (`connection.collection(name)`). */
export type ApiKeyCollection = mongo.Collection<mongo.Document>;

/** A filter the query engine built. */
export type QueryFilter = { [key: string]: unknown };

/** A stored document as read back. */
export type QueryDocument = { readonly [key: string]: unknown };

/** The regex syntax the server accepts: PCRE with atomic groups (MongoDB), or only the portable subset (FerretDB's RE2). */
export type RegexDialect = "pcre" | "portable";

/** One read: a filter and how to sort, cut and project what it matches. */
export interface FindPlan {
  readonly filter: QueryFilter;
  readonly sort?: Readonly<Record<string, 1 | -1>> | undefined;
  readonly skip?: number | undefined;
  readonly limit?: number | undefined;
  readonly projection?: Readonly<Record<string, 0 | 1>> | undefined;
  /** Documents per round trip of a streamed read. */
  readonly batchSize?: number | undefined;
}

/** The `maxTimeMS` option of every command (empty: no limit). */
type TimeLimit = { maxTimeMS?: number };

/** Executes the plans of one Query API keys request, each command under the same time limit. */
export class ApiKeyQueryRunner {
  private readonly limit: TimeLimit;

  /** @param maxTimeMS server-side time limit of every command sent (the store's `storeTimeout`); none when absent or ≤ 0. */
  constructor(
    private readonly collection: ApiKeyCollection,
    maxTimeMS?: number,
  ) {
    this.limit = maxTimeMS !== undefined && maxTimeMS > 0 ? { maxTimeMS } : {};
  }

  /** How many documents match. */
  count(filter: QueryFilter): Promise<number> {
    return this.collection.countDocuments(filter, this.limit);
  }

  /** The documents a plan selects, in its order. */
  find(plan: FindPlan): Promise<QueryDocument[]> {
    return this.collection.find(plan.filter, this.options(plan)).toArray();
  }

  /**
   * Streams the documents a plan selects to `visit`, which may throw to stop the read (a cap
   * reached): the cursor is closed either way.
   */
  async scan(plan: FindPlan, visit: (doc: QueryDocument) => void): Promise<void> {
    const cursor = this.collection.find(plan.filter, this.options(plan));
    try {
      for await (const doc of cursor) visit(doc);
    } finally {
      await cursor.close();
    }
  }

  /** The server's regex dialect (see {@link detectRegexDialect}). */
  regexDialect(): Promise<RegexDialect> {
    return detectRegexDialect(this.collection, this.limit);
  }

  private options(plan: FindPlan): mongo.FindOptions {
    const options: mongo.FindOptions = { ...this.limit };
    if (plan.sort !== undefined) options.sort = { ...plan.sort };
    if (plan.skip !== undefined) options.skip = plan.skip;
    if (plan.limit !== undefined) options.limit = plan.limit;
    if (plan.projection !== undefined) options.projection = plan.projection;
    if (plan.batchSize !== undefined) options.batchSize = plan.batchSize;
    return options;
  }
}

const dialects = new WeakMap<object, Promise<RegexDialect>>();

/**
 * Whether the server's `$regex` accepts PCRE atomic groups: an `_id` probe, remembered per
 * collection object once it is conclusive. A server that rejects the syntax gets portable regexes.
 * Some servers (FerretDB) compile a regex only when a document reaches it, so a probe that meets no
 * document proves nothing: until one does, the portable dialect (valid everywhere) is used and the
 * probe is repeated next time.
 */
export function detectRegexDialect(collection: ApiKeyCollection, limit: TimeLimit = {}): Promise<RegexDialect> {
  let dialect = dialects.get(collection);
  if (!dialect) {
    const probe: QueryFilter = { _id: { $regex: "^(?>[\\s\\S]*)" } };
    dialect = collection
      .find(probe, { projection: { _id: 1 }, limit: 1, ...limit })
      .toArray()
      .then(
        (found): RegexDialect => {
          if (found.length === 0) dialects.delete(collection);
          return found.length === 0 ? "portable" : "pcre";
        },
        (error: unknown): RegexDialect => {
          if (error instanceof Error && /regular expression|regex|pattern/i.test(error.message)) return "portable";
          dialects.delete(collection);
          throw error;
        },
      );
    dialects.set(collection, dialect);
  }
  return dialect;
}
