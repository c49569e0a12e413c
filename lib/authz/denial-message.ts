import { clusterPrivilegesThatGrant, isClusterAction } from "./cluster-privileges.js";
import { indexPrivilegesThatGrant, isIndexAction } from "./index-privileges.js";

/** Who was refused, as Elasticsearch describes the subject in a 403 reason. */
export interface DeniedSubject {
  /** The authenticating user (for an API key: its owner). */
  username: string;
  /**
   * Role names of the effective user (the run-as target when `runAsTarget` is set). Printed sorted
   * and de-duplicated; ignored for an API key without run-as (Elasticsearch prints no roles then).
   */
  roles: readonly string[];
  /** Assigned roles that could not be found; printed as "(assigned roles [..] were not found)". */
  missingRoles?: readonly string[];
  /** Set when the subject authenticated with an API key. */
  apiKeyId?: string;
  /** Set when the request ran as another user (run-as succeeded; the action itself was denied). */
  runAsTarget?: string;
}

/** Input of {@link actionDeniedReason}. */
export interface ActionDeniedInput extends DeniedSubject {
  /** The action name, e.g. `cluster:admin/xpack/security/api_key/grant`. */
  action: string;
  /** For index actions: the indices the action was refused on. */
  indices?: readonly string[];
}

/**
 * Elasticsearch's 403 reason for a denied action (AuthorizationDenialMessages), e.g.
 * `action [cluster:admin/xpack/security/api_key/grant] is unauthorized for user [u] with effective
 * roles [a,b], this action is granted by the cluster privileges [grant_api_key,manage_api_key,manage_security,all]`,
 * or for an API key `... is unauthorized for API key id [id] of user [owner], this action is ...`,
 * or for index actions `... on indices [i], this action is granted by the index privileges [read,all]`.
 */
export function actionDeniedReason(input: ActionDeniedInput): string {
  let message = `action [${input.action}] is unauthorized for ${describeSubject(input)}`;
  if (input.indices !== undefined) message += ` on indices [${input.indices.join(",")}]`;
  if (isClusterAction(input.action)) {
    const privileges = clusterPrivilegesThatGrant(input.action);
    if (privileges.length > 0) message += `, this action is granted by the cluster privileges [${privileges.join(",")}]`;
  } else if (isIndexAction(input.action)) {
    const privileges = indexPrivilegesThatGrant(input.action);
    if (privileges.length > 0) message += `, this action is granted by the index privileges [${privileges.join(",")}]`;
  }
  return message;
}

/** Input of {@link runAsDeniedReason}. */
export interface RunAsDeniedInput extends Omit<DeniedSubject, "runAsTarget"> {
  /** The user that could not be impersonated (also used when it does not exist). */
  target: string;
  /** Default `cluster:admin/xpack/security/user/authenticate` (what Elasticsearch reports). */
  action?: string;
}

/**
 * Elasticsearch's 403 reason when run-as is refused: `action [cluster:admin/xpack/security/user/authenticate]
 * is unauthorized for user [u] with effective roles [r], because user [u] is unauthorized to run as [t]`.
 * `roles` are the authenticating user's roles.
 */
export function runAsDeniedReason(input: RunAsDeniedInput): string {
  const action = input.action ?? "cluster:admin/xpack/security/user/authenticate";
  const who = authenticatedDescription(input);
  const roles = input.apiKeyId === undefined ? rolesDescription(input.roles, input.missingRoles) : "";
  return `action [${action}] is unauthorized for ${who}${roles}, because ${who} is unauthorized to run as [${input.target}]`;
}

/** Input of {@link applicationDeniedReason}. */
export interface ApplicationDeniedInput extends DeniedSubject {
  application: string;
  /** The privilege name or action that was required. */
  privilege: string;
  resources: readonly string[];
}

/**
 * A 403 reason for a host-application privilege check (`requirePrivileges` with `application`).
 * Elasticsearch has no such message; this one follows the shape of its others:
 * `action [<application>:<privilege>] is unauthorized for user [u] with effective roles [r] on resources [r1,r2]`.
 */
export function applicationDeniedReason(input: ApplicationDeniedInput): string {
  return (
    `action [${input.application}:${input.privilege}] is unauthorized for ${describeSubject(input)}` +
    ` on resources [${input.resources.join(",")}]`
  );
}

function authenticatedDescription(subject: Pick<DeniedSubject, "username" | "apiKeyId">): string {
  const user = `user [${subject.username}]`;
  return subject.apiKeyId === undefined ? user : `API key id [${subject.apiKeyId}] of ${user}`;
}

function describeSubject(subject: DeniedSubject): string {
  let text = authenticatedDescription(subject);
  if (subject.runAsTarget !== undefined) text += ` run as [${subject.runAsTarget}]`;
  // Elasticsearch prints roles only when the effective subject is a user (not an API key).
  if (subject.apiKeyId === undefined || subject.runAsTarget !== undefined) {
    text += rolesDescription(subject.roles, subject.missingRoles);
  }
  return text;
}

function rolesDescription(roles: readonly string[], missing: readonly string[] = []): string {
  const missingSet = new Set(missing);
  const effective = [...new Set(roles)].filter((r) => !missingSet.has(r)).sort(compare);
  let text = ` with effective roles [${effective.join(",")}]`;
  if (missingSet.size > 0) text += ` (assigned roles [${[...missingSet].sort(compare).join(",")}] were not found)`;
  return text;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
