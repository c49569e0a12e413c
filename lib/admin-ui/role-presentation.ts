import type { RoleDescriptorInfo, RolesAnswer } from "./api-types.js";

/** One row of the Roles tab. */
export interface RoleRow {
  name: string;
  reserved: boolean;
  cluster: string;
  indices: string;
  applications: string;
}

/** Elasticsearch marks built-in roles (and users) with `metadata._reserved: true`. */
export function isReserved(metadata: Record<string, unknown> | undefined): boolean {
  return metadata?._reserved === true;
}

function list(values: readonly string[] | string | undefined): string {
  if (values === undefined) return "";
  return typeof values === "string" ? values : values.join(", ");
}

function indicesText(descriptor: RoleDescriptorInfo): string {
  return (descriptor.indices ?? []).map((entry) => list(entry.names) + " (" + list(entry.privileges) + ")").join("; ");
}

function applicationsText(descriptor: RoleDescriptorInfo): string {
  return (descriptor.applications ?? []).map((entry) => (entry.application ?? "?") + " (" + list(entry.privileges) + ")").join("; ");
}

/** The roles of a `GET /_security/role` answer, by name. */
export function roleRows(answer: RolesAnswer | null): RoleRow[] {
  return Object.entries(answer ?? {})
    .map(([name, descriptor]) => ({
      name,
      reserved: isReserved(descriptor.metadata),
      cluster: list(descriptor.cluster),
      indices: indicesText(descriptor),
      applications: applicationsText(descriptor),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One role's descriptor as shown in its detail view. */
export function roleJson(descriptor: RoleDescriptorInfo): string {
  return JSON.stringify(descriptor, null, 2);
}
