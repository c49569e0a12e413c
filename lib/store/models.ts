import { Schema, type Connection, type Model } from "mongoose";
import type { RoleDescriptor } from "../authz/role-descriptor.js";

/** A native user as stored. `password_hash` is a bcrypt hash; it never leaves the store layer. */
export interface UserDoc {
  _id: string;
  password_hash: string;
  roles: string[];
  full_name: string | null;
  email: string | null;
  metadata: Record<string, unknown>;
  enabled: boolean;
  version: number;
}

export interface RoleDoc {
  _id: string;
  descriptor: RoleDescriptor;
  version: number;
}

export interface ApplicationPrivilegeDoc {
  /** `<application>/<name>` */
  _id: string;
  application: string;
  name: string;
  actions: string[];
  metadata: Record<string, unknown>;
}

export interface ApiKeyCreator {
  principal: string;
  full_name: string | null;
  email: string | null;
  /**
   * The owner's user metadata as a JSON string: realms may hand us keys MongoDB-compatible servers
   * refuse (`a.b`), and it is only ever returned, never queried.
   */
  metadata: string;
  realm: string;
  realm_type: string;
}

export interface ApiKeyDoc {
  _id: string;
  doc_type: "api_key";
  type: "rest" | "cross_cluster";
  name: string;
  creation_time: number;
  expiration_time: number | null;
  invalidated: boolean;
  invalidation_time: number | null;
  hash: string;
  /**
   * `{roleName: descriptor}` (normalized) as a JSON string: role names and descriptor metadata may
   * contain `.`, which FerretDB (and older MongoDB) refuse in field names; never queried.
   */
  role_descriptors: string;
  /** The owner's role descriptors at create/grant/update time, as a JSON string (see above). */
  limited_by_role_descriptors: string;
  /** User metadata, queryable as `metadata.<path>` (keys never contain `.` or start with `$`). */
  metadata: Record<string, unknown>;
  /** Every leaf value of `metadata` as a string, so a query on bare `metadata` is one index lookup. */
  metadata_values: string[];
  creator: ApiKeyCreator;
  version: number;
}

export interface EventDoc {
  _id: string;
  at: number;
  kind: string;
  keys: string[];
  origin: string;
}

export interface SettingDoc {
  _id: string;
  value: unknown;
}

export interface CounterDoc {
  _id: string;
  hits: number;
  reset_at: number;
}

export interface LeaseDoc {
  _id: string;
  owner: string;
  until: number;
}

export interface SecurityModels {
  users: Model<UserDoc>;
  roles: Model<RoleDoc>;
  privileges: Model<ApplicationPrivilegeDoc>;
  apiKeys: Model<ApiKeyDoc>;
  events: Model<EventDoc>;
  settings: Model<SettingDoc>;
  counters: Model<CounterDoc>;
  leases: Model<LeaseDoc>;
}

// Fail fast instead of buffering while the server is away: an auth library must answer 503
// promptly, never hold requests for mongoose's default 10 s buffer.
const base = { versionKey: false, bufferCommands: false, strict: true, minimize: false } as const;

function model<T>(connection: Connection, name: string, collection: string, schema: Schema<T>): Model<T> {
  const existing = connection.models[name] as Model<T> | undefined;
  return existing ?? connection.model<T>(name, schema, collection);
}

/** Registers (once per connection and prefix) the models every store uses. */
export function createModels(connection: Connection, prefix: string): SecurityModels {
  const users = new Schema<UserDoc>(
    {
      _id: { type: String, required: true },
      password_hash: { type: String, required: true },
      roles: { type: [String], default: [] },
      full_name: { type: String, default: null },
      email: { type: String, default: null },
      metadata: { type: Schema.Types.Mixed, default: {} },
      enabled: { type: Boolean, default: true },
      version: { type: Number, default: 1 },
    },
    base,
  );

  const roles = new Schema<RoleDoc>(
    {
      _id: { type: String, required: true },
      descriptor: { type: Schema.Types.Mixed, required: true },
      version: { type: Number, default: 1 },
    },
    base,
  );

  const privileges = new Schema<ApplicationPrivilegeDoc>(
    {
      _id: { type: String, required: true },
      application: { type: String, required: true },
      name: { type: String, required: true },
      actions: { type: [String], required: true },
      metadata: { type: Schema.Types.Mixed, default: {} },
    },
    base,
  );
  privileges.index({ application: 1, name: 1 });

  const apiKeys = new Schema<ApiKeyDoc>(
    {
      _id: { type: String, required: true },
      doc_type: { type: String, default: "api_key" },
      type: { type: String, default: "rest" },
      name: { type: String, required: true },
      creation_time: { type: Number, required: true },
      expiration_time: { type: Number, default: null },
      invalidated: { type: Boolean, default: false },
      invalidation_time: { type: Number, default: null },
      hash: { type: String, required: true },
      role_descriptors: { type: String, default: "{}" },
      limited_by_role_descriptors: { type: String, default: "{}" },
      metadata: { type: Schema.Types.Mixed, default: {} },
      metadata_values: { type: [String], default: [] },
      creator: { type: Schema.Types.Mixed, required: true },
      version: { type: Number, default: 1 },
    },
    base,
  );
  apiKeys.index({ "creator.principal": 1, "creator.realm": 1 });
  apiKeys.index({ name: 1 });
  apiKeys.index({ invalidated: 1, invalidation_time: 1 });
  apiKeys.index({ expiration_time: 1 });
  apiKeys.index({ creation_time: 1 });
  apiKeys.index({ metadata_values: 1 });

  const events = new Schema<EventDoc>(
    {
      _id: { type: String, required: true },
      at: { type: Number, required: true },
      kind: { type: String, required: true },
      keys: { type: [String], default: [] },
      origin: { type: String, required: true },
    },
    base,
  );
  events.index({ at: 1 });

  const settings = new Schema<SettingDoc>(
    { _id: { type: String, required: true }, value: { type: Schema.Types.Mixed } },
    base,
  );

  const counters = new Schema<CounterDoc>(
    {
      _id: { type: String, required: true },
      hits: { type: Number, default: 0 },
      reset_at: { type: Number, required: true },
    },
    base,
  );
  counters.index({ reset_at: 1 });

  const leases = new Schema<LeaseDoc>(
    {
      _id: { type: String, required: true },
      owner: { type: String, required: true },
      until: { type: Number, required: true },
    },
    base,
  );

  const key = (name: string) => `${prefix}${name}`;
  return {
    users: model(connection, key("User"), key("users"), users),
    roles: model(connection, key("Role"), key("roles"), roles),
    privileges: model(connection, key("ApplicationPrivilege"), key("privileges"), privileges),
    apiKeys: model(connection, key("ApiKey"), key("api_keys"), apiKeys),
    events: model(connection, key("Event"), key("events"), events),
    settings: model(connection, key("Setting"), key("settings"), settings),
    counters: model(connection, key("Counter"), key("rate_limits"), counters),
    leases: model(connection, key("Lease"), key("leases"), leases),
  };
}

/** Creates every index the stores rely on; idempotent. */
export async function ensureIndexes(models: SecurityModels): Promise<void> {
  for (const m of Object.values(models) as Model<unknown>[]) {
    await m.createCollection().catch(() => undefined);
    await m.createIndexes();
  }
}
