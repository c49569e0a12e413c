import { Schema, type Connection, type Model } from "mongoose";
import type {
  UserDoc,
  RoleDoc,
  ApplicationPrivilegeDoc,
  ApiKeyRateLimitDoc,
  ApiKeyCreditRefillDoc,
  ApiKeyCreditsDoc,
  ApiKeyLimitsDoc,
  ApiKeyDoc,
  ApiKeyUsageDoc,
  TokenDoc,
  EventDoc,
  SettingDoc,
  CounterDoc,
  LeaseDoc,
  ApiKeyRateWindowDoc,
  ApiKeyCreditLeaseDoc,
} from "./store-documents.js";
import { installStoreTimeLimit, setStoreTimeLimit, type StoreTimeLimit } from "./store-time-limit.js";

export interface SecurityModels {
  users: Model<UserDoc>;
  roles: Model<RoleDoc>;
  privileges: Model<ApplicationPrivilegeDoc>;
  apiKeys: Model<ApiKeyDoc>;
  apiKeyUsage: Model<ApiKeyUsageDoc>;
  tokens: Model<TokenDoc>;
  events: Model<EventDoc>;
  settings: Model<SettingDoc>;
  counters: Model<CounterDoc>;
  leases: Model<LeaseDoc>;
  apiKeyRateWindows: Model<ApiKeyRateWindowDoc>;
  apiKeyCreditLeases: Model<ApiKeyCreditLeaseDoc>;
}

// Fail fast instead of buffering while the server is away: an auth library must answer 503
// promptly, never hold requests for mongoose's default 10 s buffer.
const base = { versionKey: false, bufferCommands: false, strict: true, minimize: false } as const;

function model<T>(connection: Connection, name: string, collection: string, schema: Schema<T>, limit: StoreTimeLimit): Model<T> {
  let compiled = connection.models[name] as Model<T> | undefined;
  if (!compiled) {
    installStoreTimeLimit(schema);
    compiled = connection.model<T>(name, schema, collection);
  }
  setStoreTimeLimit(compiled, limit);
  return compiled;
}

/**
 * Registers (once per connection and prefix) the models every store uses; their queries carry
 * `limit` as a server-side time limit (see `store-time-limit.ts`).
 */
export function createModels(connection: Connection, prefix: string, limit: StoreTimeLimit): SecurityModels {
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
      full_name_tokens: { type: [String], default: undefined },
      email_tokens: { type: [String], default: undefined },
      query_fields: { type: Number },
    },
    base,
  );

  const roles = new Schema<RoleDoc>(
    {
      _id: { type: String, required: true },
      descriptor: { type: Schema.Types.Mixed, required: true },
      version: { type: Number, default: 1 },
      description_tokens: { type: [String], default: undefined },
      metadata_flattened: { type: Schema.Types.Mixed },
      metadata_values: { type: [String], default: undefined },
      query_fields: { type: Number },
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

  // Sub-documents without ids; a key without limits stores no `limits` at all.
  const sub = { _id: false, versionKey: false, minimize: false, strict: true } as const;
  const rateLimit = new Schema<ApiKeyRateLimitDoc>(
    {
      name: { type: String, required: true },
      limit: { type: Number, required: true },
      window_ms: { type: Number, required: true },
      auto_apply: { type: Boolean, default: true },
    },
    sub,
  );
  const refill = new Schema<ApiKeyCreditRefillDoc>(
    {
      interval: { type: Schema.Types.Mixed, required: true },
      amount: { type: Number, required: true },
      refill_day: { type: Number, default: null },
      last_refill: { type: Number, required: true },
    },
    sub,
  );
  const credits = new Schema<ApiKeyCreditsDoc>(
    {
      remaining: { type: Number, required: true },
      leased: { type: Number, default: 0 },
      refill: { type: refill, default: undefined },
    },
    sub,
  );
  const limits = new Schema<ApiKeyLimitsDoc>(
    { rate_limits: { type: [rateLimit], default: [] }, credits: { type: credits, default: undefined } },
    sub,
  );

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
      metadata: { type: String, default: "{}" },
      metadata_flattened: { type: Schema.Types.Mixed, default: {} },
      metadata_values: { type: [String], default: [] },
      creator: { type: Schema.Types.Mixed, required: true },
      version: { type: Number, default: 1 },
      limits: { type: limits, default: undefined },
      enabled: { type: Boolean },
      disabled_at: { type: Number },
      disabled_by_owner: { type: Boolean },
    },
    base,
  );
  apiKeys.index({ "creator.principal": 1, "creator.realm": 1 });
  apiKeys.index({ name: 1 });
  apiKeys.index({ invalidated: 1, invalidation_time: 1 });
  apiKeys.index({ expiration_time: 1 });
  apiKeys.index({ creation_time: 1 });
  apiKeys.index({ metadata_values: 1 });

  const apiKeyUsage = new Schema<ApiKeyUsageDoc>(
    {
      _id: { type: String, required: true },
      last_used: { type: Number, required: true },
      use_count: { type: Number, default: 0 },
    },
    base,
  );
  apiKeyUsage.index({ last_used: 1 });

  const tokens = new Schema<TokenDoc>(
    {
      _id: { type: String, required: true },
      doc_type: { type: String, default: "token" },
      creation_time: { type: Number, required: true },
      expiration_time: { type: Number, required: true },
      invalidated: { type: Boolean, default: false },
      invalidation_time: { type: Number, default: null },
      username: { type: String, required: true },
      realm: { type: String, required: true },
      api_key_id: { type: String, default: null },
      authentication: { type: String, required: true },
      refresh_hash: { type: String, default: null },
      refresh_expiration_time: { type: Number, default: null },
      refresh_invalidated: { type: Boolean, default: false },
      refreshed: { type: Boolean, default: false },
      refresh_time: { type: Number, default: null },
      refresh_client: { type: String, default: null },
      sealed_pair: { type: String, default: null },
      purge_at: { type: Number, required: true },
    },
    base,
  );
  tokens.index({ refresh_hash: 1 });
  tokens.index({ username: 1 });
  tokens.index({ realm: 1 });
  tokens.index({ purge_at: 1 });

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

  const settings = new Schema<SettingDoc>({ _id: { type: String, required: true }, value: { type: Schema.Types.Mixed } }, base);

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

  const apiKeyRateWindows = new Schema<ApiKeyRateWindowDoc>(
    {
      _id: { type: String, required: true },
      window: { type: String, required: true },
      seq: { type: Number, required: true },
      upto: { type: Number, required: true },
      granted: { type: Number, required: true },
      instance: { type: String, required: true },
      expire_at: { type: Number, required: true },
    },
    base,
  );
  apiKeyRateWindows.index({ window: 1, seq: -1 });
  apiKeyRateWindows.index({ expire_at: 1 });

  const apiKeyCreditLeases = new Schema<ApiKeyCreditLeaseDoc>(
    {
      _id: { type: String, required: true },
      key_id: { type: String, required: true },
      instance: { type: String, required: true },
      held: { type: Number, default: 0 },
      spent: { type: Number, default: 0 },
      expire_at: { type: Number, required: true },
    },
    base,
  );
  apiKeyCreditLeases.index({ key_id: 1 });
  apiKeyCreditLeases.index({ expire_at: 1 });

  const key = (name: string) => `${prefix}${name}`;
  return {
    users: model(connection, key("User"), key("users"), users, limit),
    roles: model(connection, key("Role"), key("roles"), roles, limit),
    privileges: model(connection, key("ApplicationPrivilege"), key("privileges"), privileges, limit),
    apiKeys: model(connection, key("ApiKey"), key("api_keys"), apiKeys, limit),
    apiKeyUsage: model(connection, key("ApiKeyUsage"), key("api_key_usage"), apiKeyUsage, limit),
    tokens: model(connection, key("Token"), key("tokens"), tokens, limit),
    events: model(connection, key("Event"), key("events"), events, limit),
    settings: model(connection, key("Setting"), key("settings"), settings, limit),
    counters: model(connection, key("Counter"), key("rate_limits"), counters, limit),
    leases: model(connection, key("Lease"), key("leases"), leases, limit),
    apiKeyRateWindows: model(connection, key("ApiKeyRateWindow"), key("api_key_rate_windows"), apiKeyRateWindows, limit),
    apiKeyCreditLeases: model(connection, key("ApiKeyCreditLease"), key("api_key_credit_leases"), apiKeyCreditLeases, limit),
  };
}

/** Creates every index the stores rely on; idempotent. */
export async function ensureIndexes(models: SecurityModels): Promise<void> {
  for (const m of Object.values(models) as Model<unknown>[]) {
    await m.createCollection().catch(() => undefined);
    await m.createIndexes();
  }
}
