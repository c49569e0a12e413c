import { illegalArgument } from "../support/security-error.js";

/**
 * Application privileges, evaluation side: how the strings in a role's `applications[].privileges`
 * (and in a `_has_privileges` request) turn into action patterns, and the naming rules of the
 * privilege-definition API (`PUT /_security/privilege`). Storage lives elsewhere.
 */

/**
 * The actions of a stored application privilege (`PUT /_security/privilege` definitions), or
 * `undefined` if `application` has no privilege called `name`. Must be synchronous: callers pass
 * a snapshot of the definitions they loaded for the request.
 */
export type ApplicationPrivilegeLookup = (application: string, name: string) => readonly string[] | undefined;

/** A lookup that knows no stored privileges (only action strings then grant anything). */
export const NO_APPLICATION_PRIVILEGES: ApplicationPrivilegeLookup = () => undefined;

const VALID_APPLICATION_PREFIX = /^[a-z][A-Za-z0-9]*$/;
const VALID_PRIVILEGE_NAME = /^[a-z][a-zA-Z0-9_.-]*$/;
const VISIBLE_ASCII = /^[\x21-\x7e]*$/;
const WHITESPACE = /\s/;
const INVALID_FILENAME_CHARS = ["\\", "/", "*", "?", '"', "<", ">", "|", " ", ","];

/**
 * Whether a privilege string is an action (pattern) rather than the name of a stored privilege.
 * Elasticsearch's rule: anything that is not a valid privilege name (`^[a-z][a-zA-Z0-9_.-]*$`)
 * is an action, so every string containing `/`, `*` or `:` is one.
 */
export function isApplicationAction(privilege: string): boolean {
  return !VALID_PRIVILEGE_NAME.test(privilege);
}

/**
 * The action patterns a privilege string stands for in `application`: itself if it is an action,
 * else the stored definition's actions. `undefined` for a name that is not defined.
 */
export function resolveApplicationPrivilege(
  application: string,
  privilege: string,
  lookup: ApplicationPrivilegeLookup,
): readonly string[] | undefined {
  return isApplicationAction(privilege) ? [privilege] : lookup(application, privilege);
}

/**
 * Checks an application name (Elasticsearch's rules): a prefix of at least 3 ASCII letters or
 * digits starting with a lowercase letter, optionally followed by `-` or `_` and a suffix free of
 * `\ / * ? " < > | ,` and whitespace. With `allowWildcard` (role descriptors) `*` and a trailing
 * `*` are accepted too.
 *
 * @returns Elasticsearch's error message, or `undefined` when the name is valid.
 */
export function applicationNameError(application: string, options: { allowWildcard?: boolean } = {}): string | undefined {
  const allowWildcard = options.allowWildcard === true;
  if (application.length === 0) return "Application names cannot be blank";
  const asterisk = application.indexOf("*");
  if (asterisk !== -1) {
    if (!allowWildcard) return `Application names may not contain '*' (found '${application}')`;
    if (application === "*") return undefined;
    if (asterisk !== application.length - 1) {
      return `Application name patterns only support trailing wildcards (found '${application}')`;
    }
  }
  if (WHITESPACE.test(application)) return `Application names may not contain whitespace (found '${application}')`;
  const separator = application.search(/[_-]/);
  let prefix = separator === -1 ? application : application.slice(0, separator);
  if (prefix.endsWith("*")) prefix = prefix.slice(0, -1);
  if (!VALID_APPLICATION_PREFIX.test(prefix)) {
    return `An application name prefix must match the pattern ${VALID_APPLICATION_PREFIX.source} (found '${prefix}')`;
  }
  if (prefix.length < 3 && asterisk === -1) {
    return `An application name prefix must be at least 3 characters long (found '${prefix}')`;
  }
  if (separator !== -1) {
    let suffix = application.slice(separator + 1);
    if (allowWildcard && suffix.endsWith("*")) suffix = suffix.slice(0, -1);
    if (INVALID_FILENAME_CHARS.some((c) => suffix.includes(c))) {
      return `An application name suffix may not contain any of the characters '${INVALID_FILENAME_CHARS.join("")}' (found '${suffix}')`;
    }
  }
  return undefined;
}

/**
 * Checks the name of a privilege being defined: `^[a-z][a-zA-Z0-9_.-]*$`.
 *
 * @returns Elasticsearch's error message, or `undefined` when valid.
 */
export function applicationPrivilegeNameError(name: string): string | undefined {
  return VALID_PRIVILEGE_NAME.test(name)
    ? undefined
    : `Application privilege names must match the pattern ${VALID_PRIVILEGE_NAME.source} (found '${name}')`;
}

/**
 * Checks a privilege name or action as used in role descriptors: printable ASCII, no whitespace.
 *
 * @returns Elasticsearch's error message, or `undefined` when valid.
 */
export function applicationPrivilegeOrActionError(value: string): string | undefined {
  return VISIBLE_ASCII.test(value)
    ? undefined
    : `Application privilege names and actions must match the pattern ^\\p{Graph}*$ (found '${value}')`;
}

/**
 * Checks an action in a privilege definition: it must contain one of `/`, `*`, `:` and be
 * printable ASCII without whitespace.
 *
 * @returns Elasticsearch's error messages (empty when valid).
 */
export function applicationActionErrors(action: string): string[] {
  const errors: string[] = [];
  if (!action.includes("/") && !action.includes("*") && !action.includes(":")) {
    errors.push(`action [${action}] must contain one of [/*:]`);
  }
  const graph = applicationPrivilegeOrActionError(action);
  if (graph !== undefined) errors.push(graph);
  return errors;
}

/**
 * Throws 400 `illegal_argument_exception` (Elasticsearch's message) unless `application` is a valid
 * application name (see {@link applicationNameError}).
 */
export function validateApplicationName(application: string, options: { allowWildcard?: boolean } = {}): void {
  const error = applicationNameError(application, options);
  if (error !== undefined) throw illegalArgument(error);
}

/** Throws 400 `illegal_argument_exception` unless `name` is a valid privilege name to define. */
export function validateApplicationPrivilegeName(name: string): void {
  const error = applicationPrivilegeNameError(name);
  if (error !== undefined) throw illegalArgument(error);
}

/** Throws 400 `illegal_argument_exception` (first problem) unless `action` is a valid action to define. */
export function validateApplicationAction(action: string): void {
  const [error] = applicationActionErrors(action);
  if (error !== undefined) throw illegalArgument(error);
}
