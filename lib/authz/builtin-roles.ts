import type { RoleDescriptor } from "../model/role-descriptor.js";
import { deepFreeze } from "../support/deep-freeze.js";

/**
 * The built-in `superuser` role: every cluster action, every index (restricted ones included),
 * every application privilege on every resource, and run-as for anyone.
 */
export const SUPERUSER_ROLE: RoleDescriptor = deepFreeze({
  cluster: ["all"],
  indices: [{ names: ["*"], privileges: ["all"], allow_restricted_indices: true }],
  applications: [{ application: "*", privileges: ["*"], resources: ["*"] }],
  run_as: ["*"],
  metadata: { _reserved: true },
  transient_metadata: { enabled: true },
});

/**
 * Built-in (reserved) roles by name. They cannot be changed or deleted through the roles API.
 * A `Map`, because it is looked up with role names users are given: on a plain object, `toString`
 * or `constructor` would find `Object.prototype`'s members.
 */
export const BUILTIN_ROLES: ReadonlyMap<string, RoleDescriptor> = new Map([["superuser", SUPERUSER_ROLE]]);
