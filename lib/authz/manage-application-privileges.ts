import type { RoleDescriptor } from "../model/role-descriptor.js";
import { isPlainObject } from "../support/is-plain-object.js";
import { matchesPattern } from "./pattern.js";

/** What a `global.application.manage` privilege covers: the application-privilege actions. */
const PRIVILEGE_ACTION_PREFIX = "cluster:admin/xpack/security/privilege/";

/**
 * The application patterns of a descriptor's `global: {application: {manage: {applications}}}`,
 * or `undefined` when it has none. The descriptor was validated when stored; anything else in
 * `global` is ignored here.
 */
export function manageApplicationPatterns(descriptor: RoleDescriptor): readonly string[] | undefined {
  const application = descriptor.global?.application;
  if (!isPlainObject(application)) return undefined;
  const manage = application.manage;
  if (!isPlainObject(manage)) return undefined;
  const applications = manage.applications;
  if (!Array.isArray(applications)) return undefined;
  return applications.filter((name): name is string => typeof name === "string");
}

/**
 * Whether one manage-applications privilege (its `patterns`) grants `action` for a request about
 * `applications`, as Elasticsearch's request-scoped check does: the action must be one of the
 * application-privilege actions, every requested application must match a pattern, and a request
 * about every application (an empty list) needs the literal pattern `*`.
 */
export function manageApplicationsGrant(patterns: readonly string[], action: string, applications: readonly string[]): boolean {
  if (!action.startsWith(PRIVILEGE_ACTION_PREFIX)) return false;
  if (applications.length === 0) return patterns.includes("*");
  return applications.every((application) => patterns.some((pattern) => matchesPattern(pattern, application)));
}
