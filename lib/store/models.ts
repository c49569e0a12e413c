import { Schema, type Connection, type Model } from "mongoose";
import type { RoleDescriptor } from "../model/role-descriptor.js";
import { installStoreTimeLimit, setStoreTimeLimit, type StoreTimeLimit } from "./store-time-limit.js";

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
  /** The words of `full_name` and `email` as Query users matches them (written with the user; see `query-fields.ts`). */
  full_name_tokens?: string[];
  email_tokens?: string[];
  /** The version of the query fields this document carries; absent on documents the backfill has not reached. */
  query_fields?: number;
}

export interface RoleDoc {
  _id: string;
  descriptor: RoleDescriptor;
  version: number;
  /** The words of `descriptor.description` (Query roles' `text` field). */
  description_tokens?: string[];
  /** The queryable metadata: dotted keys expanded, as for API keys. */
  metadata_flattened?: Record<string, unknown>;
  /** Every metadata leaf as a string (bare `metadata` queries). */
  metadata_values?: string[];
  /** See `UserDoc.query_fields`. */
  query_fields?: number;
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

/** One named rate limit as stored (see `lib/model/api-key-limits.ts`). */
export interface ApiKeyRateLimitDoc {
  name: string;
  limit: number;
  window_ms: number;
  auto_apply: boolean;
}

/** A credit refill as stored: `interval` is `daily`, `monthly` or milliseconds. */
export interface ApiKeyCreditRefillDoc {
  interval: "daily" | "monthly" | number;
  amount: number;
  /** Day of the month of a `monthly` refill; `null` otherwise. */
  refill_day: number | null;
  /** When the balance was last set by a refill (or the credits were set), epoch ms. */
  last_refill: number;
}

/**
 * A key's credit balance. `remaining` is the fleet-wide balance not yet leased out to instances;
 * `leased` what instances hold. The enforcement engine changes both with atomic `$inc`s, so the
 * management writes touch them only with `$inc` or a `$set` conditioned on `leased`.
 */
export interface ApiKeyCreditsDoc {
  remaining: number;
  leased: number;
  refill?: ApiKeyCreditRefillDoc;
}

/** Per-key controls beyond Elasticsearch's fields; absent on keys that have none. */
export interface ApiKeyLimitsDoc {
  rate_limits: ApiKeyRateLimitDoc[];
  credits?: ApiKeyCreditsDoc;
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
  /** User metadata as given, as a JSON string (its keys may contain `.`); returned, never queried. */
  metadata: string;
  /**
   * The queryable form of `metadata` (Elasticsearch's field name), with dotted keys expanded
   * (`{"a.b": 1}` → `{a: {b: 1}}`), so `metadata.<path>` queries read `metadata_flattened.<path>`.
   * Always written; absent from the authentication read (`ApiKeyStore.get`), which never needs it.
   */
  metadata_flattened?: Record<string, unknown>;
  /** Every leaf value of `metadata` as a string, so a query on bare `metadata` is one index lookup (as above). */
  metadata_values?: string[];
  creator: ApiKeyCreator;
  version: number;
  /** Rate limits and credits (an extension); absent when the key has none. */
  limits?: ApiKeyLimitsDoc;
  /** `false` while the key is disabled; absent (or `true`) means enabled. */
  enabled?: boolean;
  /** When the key was disabled (epoch ms); absent or `null` while enabled. */
  disabled_at?: number | null;
  /** Whether the owner (rather than a `manage_api_key` caller) disabled it: the owner may then enable it again. */
  disabled_by_owner?: boolean;
}

/**
 * An API key's usage, kept apart from the key's document (`_id` = the key id) so that usage writes
 * never rewrite the key: see `api-key-usage-store.ts`. Written only with `$max` / `$inc`.
 */
export interface ApiKeyUsageDoc {
  _id: string;
  /** Latest successful authentication (epoch ms), the max over every instance's flushes. */
  last_used: number;
  /** Successful authentications counted so far, the sum over every instance's flushes. */
  use_count: number;
}

/**
 * One access token (and, for password and refresh grants, its refresh token). `_id` is the access
 * token's JWT id. The refresh token is stored only as a SHA-256 hash; fields are flat so every
 * update is a plain `$set` that any MongoDB-compatible server applies atomically.
 */
export interface TokenDoc {
  _id: string;
  doc_type: "token";
  creation_time: number;
  /** When the access token expires (epoch ms, whole seconds as in its JWT `exp`). */
  expiration_time: number;
  /** The access token was invalidated. */
  invalidated: boolean;
  invalidation_time: number | null;
  /** Effective user of the token (invalidate by `username`). */
  username: string;
  /** The user's realm (invalidate by `realm_name`); a key's creator realm for tokens minted by an API key. */
  realm: string;
  /** The API key the token was minted with, if any. */
  api_key_id: string | null;
  /** The token's subject as JSON (see `token-authentication.ts`): realms hand us keys MongoDB refuses. */
  authentication: string;
  /** base64url SHA-256 of the refresh token; `null` when there is none (`client_credentials`). */
  refresh_hash: string | null;
  refresh_expiration_time: number | null;
  refresh_invalidated: boolean;
  /** The refresh token was used (its successor is the document with the id derived from this one). */
  refreshed: boolean;
  refresh_time: number | null;
  /** Who may refresh: the client that created the token. */
  refresh_client: string | null;
  /**
   * For a token minted by a refresh: its own access and refresh token, encrypted under a key
   * derived from the predecessor's refresh token, so a retry within the window gets them again.
   */
  sealed_pair: string | null;
  /** After this instant the document is useless (both tokens expired) and may be deleted. */
  purge_at: number;
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

/**
 * One allowance block of a key's rate limit granted to an instance in one window: the window's
 * blocks form a sequence (`seq` 1, 2, …) whose `upto` is the allowance granted so far, fleet-wide.
 * See `api-key-rate-window-store.ts`.
 */
export interface ApiKeyRateWindowDoc {
  /** `<window>#<seq>`, unique: of two instances granting the same next block, one insert wins. */
  _id: string;
  /** `<key id>/<limit name>/<window start>` */
  window: string;
  seq: number;
  /** Allowance granted in the window up to and including this block. */
  upto: number;
  /** This block's allowance. */
  granted: number;
  instance: string;
  /** When the window is over and the block may be deleted (epoch ms; pruned by query, no TTL index). */
  expire_at: number;
}

/**
 * The credits one instance holds of one key (`_id` = `<instance>/<key id>`): taken from the key's
 * `limits.credits.remaining`, spent locally, settled back. See `api-key-credit-store.ts`.
 */
export interface ApiKeyCreditLeaseDoc {
  _id: string;
  key_id: string;
  instance: string;
  /** Credits this lease holds, spent or not, that the key document counts in `leased`. */
  held: number;
  /** Of `held`, how many the instance reported spent. */
  spent: number;
  /** Until when the instance may spend from it without renewing (epoch ms). */
  expire_at: number;
}

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
