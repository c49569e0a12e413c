import { RESTRICTION_WORKFLOWS, type RoleDescriptor } from "../model/role-descriptor.js";
import { applicationNameError, applicationPrivilegeOrActionError } from "./application-privileges.js";
import { resolveClusterPrivilege, unknownClusterPrivilegeMessage } from "./cluster-privileges.js";
import { resolveIndexPrivilege, unknownIndexPrivilegeMessage } from "./index-privileges.js";

const MAX_ROLE_NAME_LENGTH = 507;
const MAX_DESCRIPTION_LENGTH = 1000;

/**
 * Elasticsearch's message for an invalid role name (1–507 printable ASCII characters, no leading or
 * trailing whitespace), or `undefined` when the name is valid.
 */
export function roleNameError(name: string): string | undefined {
  const valid = name.length >= 1 && name.length <= MAX_ROLE_NAME_LENGTH && /^[\x20-\x7e]*$/.test(name) && name.trim() === name;
  return valid
    ? undefined
    : `Role names must be at least 1 and no more than ${MAX_ROLE_NAME_LENGTH} characters. They can contain ` +
        "alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin " +
        "(ASCII) block. Leading or trailing whitespace is not allowed.";
}

/**
 * The semantic problems of an already well-formed descriptor, as Elasticsearch's
 * RoleDescriptorRequestValidator reports them (empty when valid). Exposed so request validators
 * can merge them with their own messages into one `Validation Failed` error.
 */
export function validateRoleDescriptor(name: string, descriptor: RoleDescriptor): string[] {
  const problems: string[] = [];
  const nameProblem = roleNameError(name);
  if (nameProblem !== undefined) problems.push(nameProblem);
  for (const privilege of descriptor.cluster) {
    if (resolveClusterPrivilege(privilege) === undefined) problems.push(unknownClusterPrivilegeMessage(privilege));
  }
  for (const group of descriptor.indices) {
    const unknown = group.privileges.find((p) => resolveIndexPrivilege(p) === undefined);
    if (unknown !== undefined) problems.push(unknownIndexPrivilegeMessage(unknown));
    for (const indexName of group.names) {
      const problem = indexNameExpressionError(indexName);
      if (problem !== undefined) problems.push(problem);
    }
  }
  for (const entry of descriptor.applications) {
    const appProblem = applicationNameError(entry.application, { allowWildcard: true });
    if (appProblem !== undefined) problems.push(appProblem);
    for (const privilege of entry.privileges) {
      const problem = applicationPrivilegeOrActionError(privilege);
      if (problem !== undefined) problems.push(problem);
    }
  }
  if (Object.keys(descriptor.metadata).some((key) => key.startsWith("_"))) {
    problems.push("role descriptor metadata keys may not start with [_]");
  }
  for (const workflow of descriptor.restriction?.workflows ?? []) {
    if (!RESTRICTION_WORKFLOWS.includes(workflow.toLowerCase())) {
      problems.push(
        `Unknown workflow [${workflow}]. A workflow must be one of the predefined workflow names [${RESTRICTION_WORKFLOWS.join(",")}].`,
      );
    }
  }
  if (descriptor.description !== undefined && descriptor.description.length > MAX_DESCRIPTION_LENGTH) {
    problems.push(`Role description must be less than ${MAX_DESCRIPTION_LENGTH} characters.`);
  }
  return problems;
}

function indexNameExpressionError(pattern: string): string | undefined {
  if (pattern === "" || pattern === "*") return undefined;
  if (pattern.includes("::")) return `selectors [::] are not allowed in the index name expression [${pattern}]`;
  if (pattern.startsWith("/")) {
    // Lucene regular expressions are not supported by this implementation's matcher.
    return `invalid regular expression pattern [${pattern}]`;
  }
  const stripped = pattern.replace(/[*?]/g, "x");
  if (/[\\/"<>| ,#:]/.test(stripped) || stripped.startsWith("-") || stripped.startsWith("_") || stripped.startsWith("+")) {
    return `invalid index name expression [${pattern}]`;
  }
  if (stripped.toLowerCase() !== stripped) return `index name must be lowercase [${pattern}]`;
  return undefined;
}
