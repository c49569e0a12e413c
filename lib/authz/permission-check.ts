/** Options of {@link PermissionCheck.grantsClusterAction}. */
export interface ClusterActionOptions {
  /**
   * The request only touches the caller's own API keys (owner=true, username+realm of the caller,
   * or an API key acting on its own id). Lets `manage_own_api_key` grant API-key actions (never
   * `grant`). Deciding this is the caller's job. Default `false`.
   */
  ownApiKeyRequest?: boolean;
  /**
   * The applications an application-privileges request (get, put or delete privilege
   * definitions) concerns; empty means every application. Lets a role's
   * `global.application.manage` privilege grant the request's `cluster:admin/xpack/security/privilege/*`
   * action when its patterns match every one of them (an empty list only when they hold `*`).
   * Leave it out for any other request. Deciding this is the caller's job.
   */
  applications?: readonly string[];
}

/** Options of {@link PermissionCheck.checkIndex}. */
export interface IndexCheckOptions {
  /**
   * Whether a pattern may also cover restricted indices (`.security*`), as in a `_has_privileges`
   * index entry. A concrete restricted name is always checked as itself. Default `false`.
   */
  allowRestrictedIndices?: boolean;
}

/**
 * What callers ask of a subject's permission, whether it comes from roles ({@link Permission}) or
 * from an API key ({@link LimitedPermission}: assigned ∩ limited-by).
 */
export interface PermissionCheck {
  /**
   * Whether the concrete cluster `action` (e.g. `cluster:admin/xpack/security/api_key/create`) is
   * allowed. Only unconditional privileges count, unless `options.ownApiKeyRequest` lets
   * `manage_own_api_key` apply.
   */
  grantsClusterAction(action: string, options?: ClusterActionOptions): boolean;
  /** Whether the subject holds `manage_own_api_key` (or something covering it) on every side. */
  hasOwnApiKeyPrivilege(): boolean;
  /**
   * `_has_privileges` semantics for a cluster privilege name (granted iff all its actions are
   * granted) or an action / action pattern (`x` stands for `x*`). Unknown names answer false.
   */
  checkClusterPrivilege(nameOrAction: string): boolean;
  /**
   * Whether `privilegeOrAction` is granted on every index `indexNameOrPattern` can match: the
   * requested `*` is not covered by a granted `index-a`. Unknown privileges answer false.
   */
  checkIndex(indexNameOrPattern: string, privilegeOrAction: string, options?: IndexCheckOptions): boolean;
  /**
   * Whether the application privilege (a stored privilege name, resolved through the lookup, or an
   * action such as `data:read/me`) is granted on every resource `resource` can match.
   */
  checkApplication(application: string, privilegeOrAction: string, resource: string): boolean;
  /** Whether the subject may run as `username` (its `run_as` patterns). */
  canRunAs(username: string): boolean;
  /** Whether everything is granted (cluster `all`, every index, every application, run-as anyone). */
  readonly isSuperuser: boolean;
}
