import type { FieldSecurity, RoleDescriptor } from "../model/role-descriptor.js";

/** One entry of `indices` in the `GET /_security/user/_privileges` response. */
export interface UserIndicesPrivileges {
  names: string[];
  privileges: string[];
  field_security?: FieldSecurity[];
  query?: string[];
  allow_restricted_indices: boolean;
}

/** The `GET /_security/user/_privileges` response body. */
export interface UserPrivileges {
  cluster: string[];
  global: Array<Record<string, unknown>>;
  indices: UserIndicesPrivileges[];
  applications: Array<{ application: string; privileges: string[]; resources: string[] }>;
  run_as: string[];
}

/**
 * Builds the `GET /_security/user/_privileges` body from a subject's role descriptors, merging
 * them as Elasticsearch does when it builds a role:
 * - `cluster` and `run_as`: sorted, de-duplicated;
 * - `global`: one object per configurable privilege category, de-duplicated;
 * - `indices`: entries with the same set of names and the same `allow_restricted_indices` are
 *   merged (privileges united and sorted); `field_security` / `query` list every restriction of
 *   the merged entries, and are dropped when one merged entry had none (it grants full access);
 * - `applications`: entries with the same application and the same set of privileges are merged
 *   into one whose resources are the union (Elasticsearch keys them by application and privilege
 *   names, not by resources).
 */
export function describeUserPrivileges(descriptors: readonly RoleDescriptor[]): UserPrivileges {
  const cluster = new Set<string>();
  const runAs = new Set<string>();
  const global = new Map<string, Record<string, unknown>>();
  const indices = new Map<
    string,
    { names: string[]; allowRestricted: boolean; privileges: Set<string>; fls: Map<string, FieldSecurity> | null; dls: Set<string> | null }
  >();
  const applications = new Map<string, { application: string; privileges: string[]; resources: Set<string> }>();

  for (const descriptor of descriptors) {
    for (const privilege of descriptor.cluster) cluster.add(privilege);
    for (const user of descriptor.run_as) runAs.add(user);
    for (const [category, value] of Object.entries(descriptor.global ?? {})) {
      const entry = { [category]: value };
      global.set(JSON.stringify(entry), entry);
    }
    for (const group of descriptor.indices) {
      const names = sortedUnique(group.names);
      const allowRestricted = group.allow_restricted_indices === true;
      const key = JSON.stringify([names, allowRestricted]);
      let merged = indices.get(key);
      if (merged === undefined) {
        merged = { names, allowRestricted, privileges: new Set(), fls: new Map(), dls: new Set() };
        indices.set(key, merged);
      }
      for (const privilege of group.privileges) merged.privileges.add(privilege);
      if (group.field_security === undefined) merged.fls = null;
      else merged.fls?.set(JSON.stringify(group.field_security), group.field_security);
      if (group.query === undefined) merged.dls = null;
      else merged.dls?.add(group.query);
    }
    for (const entry of descriptor.applications) {
      const privileges = sortedUnique(entry.privileges);
      const key = JSON.stringify([entry.application, privileges]);
      let merged = applications.get(key);
      if (merged === undefined) {
        merged = { application: entry.application, privileges, resources: new Set() };
        applications.set(key, merged);
      }
      for (const resource of entry.resources) merged.resources.add(resource);
    }
  }

  return {
    cluster: sortedUnique(cluster),
    global: [...global.values()],
    indices: [...indices.values()].map((entry) => ({
      names: entry.names,
      privileges: sortedUnique(entry.privileges),
      ...(entry.fls !== null && entry.fls.size > 0 ? { field_security: [...entry.fls.values()] } : {}),
      ...(entry.dls !== null && entry.dls.size > 0 ? { query: [...entry.dls] } : {}),
      allow_restricted_indices: entry.allowRestricted,
    })),
    applications: [...applications.values()].map((entry) => ({
      application: entry.application,
      privileges: entry.privileges,
      resources: sortedUnique(entry.resources),
    })),
    run_as: sortedUnique(runAs),
  };
}

function sortedUnique(values: Iterable<string>): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
