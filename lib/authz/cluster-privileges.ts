import { actionSetMatches, actionSetsImply, type ActionSet } from "./action-set.js";
import { anyPatternMatches } from "./pattern.js";

/** A built-in, named cluster privilege. */
export interface ClusterPrivilegeDefinition {
  readonly name: string;
  /** The actions it grants. */
  readonly actions: ActionSet;
  /**
   * Grants its actions only for requests that pass a request-level check: `manage_own_api_key`
   * covers API-key actions only when the request is scoped to the caller's own keys. Such a
   * privilege is never listed by {@link privilegesThatGrant}.
   */
  readonly conditional: boolean;
}

const SECURITY = "cluster:admin/xpack/security/";
const ALL_CLUSTER = ["cluster:*", "indices:admin/template/*", "indices:admin/index_template/*"];
const TRANSFORM_MONITOR = ["cluster:monitor/data_frame/*", "cluster:monitor/transform/*"];
const TRANSFORM_MANAGE = ["cluster:admin/data_frame/*", "cluster:admin/transform/*", ...TRANSFORM_MONITOR];
const SNAPSHOT_MONITOR = [
  "cluster:admin/snapshot/status*",
  "cluster:admin/snapshot/get",
  "cluster:admin/snapshot/status",
  "cluster:admin/repository/get",
];
const CONNECTOR_SECRETS_READ = ["cluster:admin/xpack/connector/secret/get"];
const CONNECTOR_SECRETS_WRITE = [
  "cluster:admin/xpack/connector/secret/delete",
  "cluster:admin/xpack/connector/secret/post",
  "cluster:admin/xpack/connector/secret/put",
];
const REMOTE_CLUSTER_BASE = [
  "cluster:internal/remote_cluster/handshake",
  "cluster:internal/remote_cluster/nodes",
  "cluster:monitor/xpack/info",
];

// Action patterns follow Elasticsearch's ClusterPrivilegeResolver (9.x). Only the security ones
// matter to this library; the others are kept so that every name Elasticsearch accepts is
// accepted here and so the access-level ordering of names matches Elasticsearch's.
const TABLE: ReadonlyArray<readonly [name: string, include: string[], exclude?: string[], conditional?: true]> = [
  ["none", []],
  ["all", ALL_CLUSTER],
  [
    "monitor",
    ["cluster:monitor/*", "indices:admin/template/get", "cluster:admin/component_template/get", "indices:admin/index_template/get"],
  ],
  [
    "monitor_connector",
    [
      "cluster:admin/xpack/connector/get",
      "cluster:admin/xpack/connector/list",
      "cluster:admin/xpack/connector/sync_job/get",
      "cluster:admin/xpack/connector/sync_job/list",
    ],
  ],
  ["monitor_inference", ["cluster:monitor/xpack/inference*", "cluster:monitor/xpack/ml/trained_models/deployment/infer"]],
  ["monitor_ml", ["cluster:monitor/xpack/ml/*"]],
  ["monitor_text_structure", ["cluster:monitor/text_structure/*"]],
  ["monitor_data_frame_transforms", TRANSFORM_MONITOR],
  ["monitor_transform", TRANSFORM_MONITOR],
  ["monitor_watcher", ["cluster:monitor/xpack/watcher/*"]],
  ["monitor_rollup", ["cluster:monitor/xpack/rollup/*"]],
  ["monitor_enrich", ["cluster:monitor/xpack/enrich/*", "cluster:admin/xpack/enrich/get"]],
  ["monitor_esql", ["cluster:monitor/xpack/esql/*"]],
  ["monitor_stats", ["cluster:monitor/stats*", "cluster:monitor/xpack/usage*"]],
  ["manage", ALL_CLUSTER, [SECURITY + "*"]],
  ["manage_connector", ["cluster:admin/xpack/connector/*"], [...CONNECTOR_SECRETS_READ, ...CONNECTOR_SECRETS_WRITE]],
  [
    "manage_inference",
    [
      "cluster:admin/xpack/inference/*",
      "cluster:monitor/xpack/inference*",
      "cluster:admin/xpack/ml/trained_models/deployment/start",
      "cluster:admin/xpack/ml/trained_models/deployment/stop",
      "cluster:monitor/xpack/ml/trained_models/deployment/infer",
    ],
  ],
  ["manage_ml", ["cluster:admin/xpack/ml/*", "cluster:monitor/xpack/ml/*"]],
  ["manage_esql", ["cluster:admin/xpack/esql/*", "cluster:monitor/xpack/esql/*"]],
  ["manage_data_frame_transforms", TRANSFORM_MANAGE],
  ["manage_transform", TRANSFORM_MANAGE],
  ["manage_token", [SECURITY + "token/*"]],
  ["manage_watcher", ["cluster:admin/xpack/watcher/*", "cluster:monitor/xpack/watcher/*"]],
  ["manage_index_templates", ["indices:admin/template/*", "indices:admin/index_template/*", "cluster:admin/component_template/*"]],
  ["manage_ingest_pipelines", ["cluster:admin/ingest/pipeline/*"]],
  ["read_pipeline", ["cluster:admin/ingest/pipeline/get", "cluster:admin/ingest/pipeline/simulate"]],
  ["transport_client", ["cluster:monitor/nodes/liveness", "cluster:monitor/state"]],
  ["manage_security", [SECURITY + "*"], [SECURITY + "delegate_pki"]],
  [
    "read_security",
    [
      SECURITY + "api_key/get",
      SECURITY + "api_key/query",
      SECURITY + "privilege/builtin/get",
      SECURITY + "privilege/get",
      SECURITY + "profile/get",
      SECURITY + "profile/has_privileges",
      SECURITY + "profile/suggest",
      SECURITY + "role/get",
      SECURITY + "role/query",
      SECURITY + "role_mapping/get",
      SECURITY + "service_account/get",
      SECURITY + "service_account/credential/get*",
      SECURITY + "user/get",
      SECURITY + "user/query",
      SECURITY + "user/list_privileges",
      SECURITY + "user/has_privileges",
      SECURITY + "settings/get",
    ],
  ],
  [
    "manage_saml",
    [SECURITY + "saml/*", SECURITY + "token/invalidate", SECURITY + "token/refresh", "cluster:monitor/xpack/security/saml/metadata"],
  ],
  ["manage_oidc", [SECURITY + "oidc/*"]],
  ["manage_api_key", [SECURITY + "api_key/*"]],
  ["grant_api_key", [SECURITY + "api_key/grant*"]],
  ["manage_service_account", [SECURITY + "service_account/*"]],
  ["manage_user_profile", [SECURITY + "profile/*"]],
  ["manage_pipeline", ["cluster:admin/ingest/pipeline/*"]],
  ["manage_rollup", ["cluster:admin/xpack/rollup/*", "cluster:monitor/xpack/rollup/*"]],
  ["manage_autoscaling", ["cluster:admin/autoscaling/*"]],
  ["manage_ccr", ["cluster:admin/xpack/ccr/*", "cluster:monitor/state", SECURITY + "user/has_privileges"]],
  ["read_ccr", ["cluster:monitor/state", SECURITY + "user/has_privileges"]],
  ["create_snapshot", ["cluster:admin/snapshot/create", ...SNAPSHOT_MONITOR]],
  ["monitor_snapshot", SNAPSHOT_MONITOR],
  ["manage_ilm", ["cluster:admin/ilm/*"]],
  ["read_ilm", ["cluster:admin/ilm/get", "cluster:admin/ilm/operation_mode/get"]],
  ["manage_slm", ["cluster:admin/slm/*", "cluster:admin/ilm/start", "cluster:admin/ilm/stop", "cluster:admin/ilm/operation_mode/get"]],
  ["read_slm", ["cluster:admin/slm/status", "cluster:admin/slm/get", "cluster:admin/ilm/operation_mode/get"]],
  ["delegate_pki", [SECURITY + "delegate_pki", SECURITY + "token/invalidate"]],
  ["manage_own_api_key", [SECURITY + "api_key/*"], [SECURITY + "api_key/grant*"], true],
  ["manage_enrich", ["cluster:admin/xpack/enrich/*", "cluster:monitor/xpack/enrich/*"]],
  ["manage_logstash_pipelines", ["cluster:admin/logstash/pipeline/*"]],
  ["read_fleet_secrets", ["cluster:admin/fleet/secrets/get"]],
  ["write_fleet_secrets", ["cluster:admin/fleet/secrets/post", "cluster:admin/fleet/secrets/delete"]],
  ["cancel_task", ["cluster:admin/tasks/cancel*"]],
  ["manage_search_application", ["cluster:admin/xpack/application/search_application/*"]],
  ["manage_search_synonyms", ["cluster:admin/synonyms/*", "cluster:admin/synonyms_sets/*", "cluster:admin/synonym_rules/*"]],
  ["manage_behavioral_analytics", ["cluster:admin/xpack/application/analytics/*"]],
  ["post_behavioral_analytics_event", ["cluster:admin/xpack/application/analytics/post_event"]],
  ["manage_search_query_rules", ["cluster:admin/xpack/query_rules/*"]],
  [
    "cross_cluster_search",
    [
      ...REMOTE_CLUSTER_BASE,
      "cluster:monitor/xpack/enrich/esql/resolve_policy",
      "cluster:internal:data/read/esql/open_exchange",
      "cluster:internal:data/read/esql/exchange",
    ],
  ],
  ["cross_cluster_replication", [...REMOTE_CLUSTER_BASE, "cluster:monitor/state"]],
  ["read_connector_secrets", CONNECTOR_SECRETS_READ],
  ["write_connector_secrets", CONNECTOR_SECRETS_WRITE],
  ["monitor_data_stream_global_retention", []],
  ["manage_data_stream_global_retention", []],
];

/**
 * Orders privileges from least to most powerful the way Elasticsearch does: by how many other
 * privileges each one implies, then by name. A conditional privilege implies nothing and is
 * implied by nothing (its grants depend on the request).
 */
function sortByAccessLevel(definitions: readonly ClusterPrivilegeDefinition[]): ClusterPrivilegeDefinition[] {
  const count = new Map<string, number>();
  for (const a of definitions) {
    let n = 0;
    for (const b of definitions) {
      if (a === b || a.conditional || b.conditional) continue;
      if (actionSetsImply([a.actions], b.actions)) n++;
    }
    count.set(a.name, n);
  }
  return [...definitions].sort((a, b) => (count.get(a.name) ?? 0) - (count.get(b.name) ?? 0) || compareNames(a.name, b.name));
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every built-in cluster privilege, ordered from least to most powerful (Elasticsearch's order). */
export const CLUSTER_PRIVILEGES: readonly ClusterPrivilegeDefinition[] = Object.freeze(
  sortByAccessLevel(
    TABLE.map(([name, include, exclude = [], conditional]) =>
      Object.freeze({ name, actions: Object.freeze({ include, exclude }), conditional: conditional === true }),
    ),
  ),
);

const BY_NAME = new Map(CLUSTER_PRIVILEGES.map((definition) => [definition.name, definition]));

/** Built-in cluster privilege names, least to most powerful. */
export const CLUSTER_PRIVILEGE_NAMES: readonly string[] = Object.freeze(CLUSTER_PRIVILEGES.map((d) => d.name));

/** The built-in privilege with this name (case-insensitive), or undefined. */
export function getClusterPrivilege(name: string): ClusterPrivilegeDefinition | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/**
 * Whether the string names a cluster action (or action pattern) rather than a privilege:
 * `cluster:*`, `indices:admin/template/*` or `indices:admin/index_template/*`.
 */
export function isClusterAction(value: string): boolean {
  return anyPatternMatches(ALL_CLUSTER, value);
}

/**
 * The actions a role's cluster entry grants: a built-in name, or an action / action pattern
 * (which, as in Elasticsearch, also covers every action it prefixes: `x` grants `x*`).
 * Undefined when the entry is neither.
 */
export function resolveClusterPrivilege(nameOrAction: string): { actions: ActionSet; conditional: boolean } | undefined {
  const lower = nameOrAction.toLowerCase();
  if (isClusterAction(lower)) return { actions: { include: [lower + "*"], exclude: [] }, conditional: false };
  const definition = BY_NAME.get(lower);
  return definition ? { actions: definition.actions, conditional: definition.conditional } : undefined;
}

/** Elasticsearch's message for a cluster privilege that is neither a known name nor an action. */
export function unknownClusterPrivilegeMessage(name: string): string {
  return (
    `unknown cluster privilege [${name.toLowerCase()}]. a privilege must be either one of the predefined cluster ` +
    `privilege names [${CLUSTER_PRIVILEGE_NAMES.join(",")}] or a pattern over one of the available cluster actions`
  );
}

/**
 * The names of the unconditional built-in privileges that grant `action`, least to most powerful,
 * exactly as Elasticsearch lists them in a 403 reason. `manage_own_api_key` is never listed.
 *
 * @example clusterPrivilegesThatGrant("cluster:admin/xpack/security/api_key/grant")
 * // ["grant_api_key", "manage_api_key", "manage_security", "all"]
 */
export function clusterPrivilegesThatGrant(action: string): string[] {
  return CLUSTER_PRIVILEGES.filter((d) => !d.conditional && actionSetMatches(d.actions, action)).map((d) => d.name);
}

/** Alias of {@link clusterPrivilegesThatGrant}. */
export const privilegesThatGrant = clusterPrivilegesThatGrant;
