import type { RoleDescriptor } from "../model/role-descriptor.js";

/**
 * Elasticsearch's `RoleDescriptor.isEmpty`: grants nothing and carries nothing (what a derived
 * key's descriptors must be).
 */
export function isEmptyDescriptor(descriptor: RoleDescriptor): boolean {
  return (
    descriptor.cluster.length === 0 &&
    descriptor.indices.length === 0 &&
    descriptor.applications.length === 0 &&
    descriptor.run_as.length === 0 &&
    Object.keys(descriptor.metadata).length === 0 &&
    (descriptor.global === undefined || Object.keys(descriptor.global).length === 0) &&
    descriptor.restriction === undefined
  );
}
