import { actionSetMatches, actionSetsImply, type ActionSet } from "./action-set.js";
import { anyPatternMatches } from "./pattern.js";

/** A built-in, named index privilege. */
export interface IndexPrivilegeDefinition {
  readonly name: string;
  /** The index actions it grants on regular (data) access. */
  readonly actions: ActionSet;
  /**
   * `failures` for the failure-store privileges (`read_failure_store`, `manage_failure_store`).
   * They are accepted in roles but grant nothing on ordinary index names here, and are never listed
   * by {@link indexPrivilegesThatGrant} (as in Elasticsearch's data-access listing).
   */
  readonly selector: "data" | "failures";
}

const READ = ["indices:data/read/*", "indices:admin/resolve/index", "indices:admin/resolve/cluster"];
const MANAGE = ["indices:monitor/*", "indices:admin/*", "indices:data/read/field_caps*", "indices:data/read/xpack/rollup/get/index/caps*"];

// Action patterns follow Elasticsearch's IndexPrivilege (9.x).
const TABLE: ReadonlyArray<readonly [name: string, include: string[], selector?: "failures"]> = [
  ["none", []],
  ["all", ["indices:*", "internal:transport/proxy/indices:*"]],
  ["read", READ],
  [
    "read_cross_cluster",
    [
      "internal:transport/proxy/indices:data/read/*",
      "indices:admin/shards/search_shards",
      "indices:admin/search/search_shards",
      "indices:admin/resolve/cluster",
      "indices:data/read/esql",
      "indices:data/read/esql/compute",
    ],
  ],
  ["create", ["indices:data/write/index*", "indices:data/write/bulk*", "indices:data/write/simulate/bulk*"]],
  [
    "create_doc",
    [
      "indices:data/write/index",
      "indices:data/write/index[*",
      "indices:data/write/index:op_type/create",
      "indices:data/write/bulk*",
      "indices:data/write/simulate/bulk*",
    ],
  ],
  ["index", ["indices:data/write/index*", "indices:data/write/bulk*", "indices:data/write/update*", "indices:data/write/simulate/bulk*"]],
  ["delete", ["indices:data/write/delete*", "indices:data/write/bulk*"]],
  ["write", ["indices:data/write/*", "indices:admin/mapping/auto_put"]],
  ["monitor", ["indices:monitor/*"]],
  ["manage", MANAGE],
  ["create_index", ["indices:admin/create", "indices:admin/auto_create", "indices:admin/data_stream/create"]],
  ["delete_index", ["indices:admin/delete", "indices:admin/data_stream/delete"]],
  [
    "view_index_metadata",
    [
      "indices:admin/aliases/get",
      "indices:admin/get",
      "indices:admin/mappings/fields/get*",
      "indices:admin/mappings/get",
      "indices:admin/shards/search_shards",
      "indices:admin/search/search_shards",
      "indices:admin/validate/query*",
      "indices:monitor/settings/get",
      "indices:admin/ilm/explain",
      "indices:admin/data_stream/lifecycle/get",
      "indices:admin/data_stream/lifecycle/explain",
      "indices:admin/data_stream/get",
      "indices:admin/resolve/index",
      "indices:admin/resolve/cluster",
      "indices:data/read/field_caps*",
      "indices:data/read/xpack/rollup/get/index/caps*",
      "indices:internal/transform/checkpoint*",
    ],
  ],
  [
    "manage_follow_index",
    [
      "indices:admin/xpack/ccr/put_follow",
      "indices:admin/xpack/ccr/unfollow",
      "indices:admin/close*",
      "indices:admin/data_stream/promote",
      "indices:admin/rollover",
    ],
  ],
  ["manage_leader_index", ["indices:admin/xpack/ccr/forget_follower*"]],
  ["manage_ilm", ["indices:admin/ilm/*"]],
  ["manage_data_stream_lifecycle", ["indices:admin/data_stream/lifecycle/*"]],
  ["maintenance", ["indices:admin/refresh*", "indices:admin/flush*", "indices:admin/synced_flush", "indices:admin/forcemerge*"]],
  ["auto_configure", ["indices:admin/mapping/auto_put", "indices:admin/auto_create"]],
  [
    "cross_cluster_replication",
    [
      "indices:data/read/xpack/ccr/shard_changes*",
      "indices:monitor/stats*",
      "indices:admin/seq_no/add_retention_lease*",
      "indices:admin/seq_no/remove_retention_lease*",
      "indices:admin/seq_no/renew_retention_lease*",
    ],
  ],
  [
    "cross_cluster_replication_internal",
    [
      "indices:internal/admin/ccr/restore/session/clear*",
      "indices:internal/admin/ccr/restore/file_chunk/get*",
      "indices:internal/admin/ccr/restore/session/put*",
      "internal:transport/proxy/indices:internal/admin/ccr/restore/session/clear*",
      "internal:transport/proxy/indices:internal/admin/ccr/restore/file_chunk/get*",
    ],
  ],
  ["read_failure_store", [], "failures"],
  ["manage_failure_store", [], "failures"],
];

/**
 * Elasticsearch's order for index privileges: by how many other privileges each one is a subset of
 * (more = less powerful, first), then by name.
 */
function sortByAccessLevel(definitions: IndexPrivilegeDefinition[]): IndexPrivilegeDefinition[] {
  const count = new Map<string, number>();
  for (const a of definitions) {
    let n = 0;
    for (const b of definitions) if (a !== b && actionSetsImply([b.actions], a.actions)) n++;
    count.set(a.name, n);
  }
  return definitions.sort(
    (a, b) => (count.get(b.name) ?? 0) - (count.get(a.name) ?? 0) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

const DEFINITIONS = TABLE.map(([name, include, selector]) =>
  Object.freeze({ name, actions: Object.freeze({ include, exclude: [] }), selector: selector ?? "data" }),
);

/**
 * Every built-in index privilege: failure-store privileges first, then the others, each group
 * ordered from least to most powerful (Elasticsearch's order).
 */
export const INDEX_PRIVILEGES: readonly IndexPrivilegeDefinition[] = Object.freeze([
  ...sortByAccessLevel(DEFINITIONS.filter((d) => d.selector === "failures")),
  ...sortByAccessLevel(DEFINITIONS.filter((d) => d.selector === "data")),
]);

const BY_NAME = new Map(INDEX_PRIVILEGES.map((definition) => [definition.name, definition]));

/** Built-in index privilege names, alphabetical (as Elasticsearch prints them in errors). */
export const INDEX_PRIVILEGE_NAMES: readonly string[] = Object.freeze(INDEX_PRIVILEGES.map((d) => d.name).sort());

/** The built-in privilege with this name (case-insensitive), or undefined. */
export function getIndexPrivilege(name: string): IndexPrivilegeDefinition | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Whether the string names an index action (pattern): `indices:*` or `internal:transport/proxy/indices:*`. */
export function isIndexAction(value: string): boolean {
  return anyPatternMatches(["indices:*", "internal:transport/proxy/indices:*"], value);
}

/**
 * The actions an index privilege entry grants on data: a built-in name, or an index action /
 * action pattern (`x` grants `x*`, as in Elasticsearch). Undefined when the entry is neither.
 */
export function resolveIndexPrivilege(nameOrAction: string): ActionSet | undefined {
  const lower = nameOrAction.toLowerCase();
  if (isIndexAction(lower)) return { include: [lower + "*"], exclude: [] };
  return BY_NAME.get(lower)?.actions;
}

/** Elasticsearch's message for an index privilege that is neither a known name nor an action. */
export function unknownIndexPrivilegeMessage(name: string): string {
  return (
    `unknown index privilege [${name.toLowerCase()}]. a privilege must be either one of the predefined fixed ` +
    `indices privileges [${INDEX_PRIVILEGE_NAMES.join(",")}] or a pattern over one of the available index actions`
  );
}

/**
 * The names of the built-in privileges that grant the index `action`, least to most powerful,
 * exactly as Elasticsearch lists them in a 403 reason.
 *
 * @example indexPrivilegesThatGrant("indices:data/read/search") // ["read", "all"]
 */
export function indexPrivilegesThatGrant(action: string): string[] {
  return INDEX_PRIVILEGES.filter((d) => d.selector === "data" && actionSetMatches(d.actions, action)).map((d) => d.name);
}
