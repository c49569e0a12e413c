/**
 * Role descriptors, in the normalized form Elasticsearch returns from its Get APIs and stores in
 * API-key documents (`names` always an array, defaults filled in, DLS `query` as a JSON string).
 */
export interface FieldSecurity {
  grant?: string[];
  except?: string[];
}

export interface IndicesPrivileges {
  names: string[];
  privileges: string[];
  field_security?: FieldSecurity;
  /** Document-level security query, stored and returned as a JSON string. */
  query?: string;
  allow_restricted_indices: boolean;
}

export interface ApplicationPrivilegesEntry {
  application: string;
  /** Application privilege names (resolved through stored definitions) or action strings. */
  privileges: string[];
  resources: string[];
}

export interface RoleDescriptor {
  cluster: string[];
  indices: IndicesPrivileges[];
  applications: ApplicationPrivilegesEntry[];
  run_as: string[];
  metadata: Record<string, unknown>;
  transient_metadata: { enabled: boolean };
  global?: Record<string, unknown>;
  description?: string;
  restriction?: { workflows: string[] };
}

/** `{roleName: descriptor}`, as in API-key create bodies and stored limited-by snapshots. */
export type RoleDescriptorMap = Record<string, RoleDescriptor>;

/** Workflow names accepted in `restriction.workflows` (Elasticsearch's WorkflowResolver). */
export const RESTRICTION_WORKFLOWS: readonly string[] = Object.freeze(["search_application_query"]);

/**
 * Whether a descriptor grants no privilege at all (no cluster, indices, applications, run_as or
 * global entries; metadata does not count). Derived API keys — created by an API key — may only
 * carry such descriptors, e.g. `{"noop": {}}`.
 */
export function roleDescriptorGrantsNothing(descriptor: RoleDescriptor): boolean {
  return (
    descriptor.cluster.length === 0 &&
    descriptor.indices.length === 0 &&
    descriptor.applications.length === 0 &&
    descriptor.run_as.length === 0 &&
    (descriptor.global === undefined || Object.keys(descriptor.global).length === 0)
  );
}
