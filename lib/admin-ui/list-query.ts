/** The list's filters, sort and page size, as chosen in the filter form or the column headers. */

export type SortField = "name" | "creation" | "expiration";
export type SortOrder = "asc" | "desc";
export type StatusFilter = "" | "active" | "disabled" | "expired" | "invalidated";

export interface ListQuery {
  scope: "all" | "own";
  name: string;
  owner: string;
  status: StatusFilter;
  sortField: SortField;
  sortOrder: SortOrder;
  size: number;
}

/** The filter form's raw values. */
export interface ListFormValues {
  scope: string;
  name: string;
  owner: string;
  status: string;
  /** `<field>:<order>`, e.g. `creation:desc`. */
  sort: string;
  size: string;
}

export const SORT_LABELS: Readonly<Record<SortField, string>> = { name: "Name", creation: "Created", expiration: "Expires" };

/** The order a column starts in when its header is first pressed. */
const DEFAULT_ORDER: Readonly<Record<SortField, SortOrder>> = { name: "asc", creation: "desc", expiration: "asc" };

const STATUSES: ReadonlySet<string> = new Set(["", "active", "disabled", "expired", "invalidated"]);

export function isSortField(value: string | null | undefined): value is SortField {
  return value === "name" || value === "creation" || value === "expiration";
}

export function defaultListQuery(): ListQuery {
  return { scope: "all", name: "", owner: "", status: "", sortField: "creation", sortOrder: "desc", size: 10 };
}

/** Reads the form leniently: anything unexpected falls back to the default. */
export function listQueryFromForm(values: ListFormValues): ListQuery {
  const [field, order] = values.sort.split(":");
  const size = parseInt(values.size, 10);
  return {
    scope: values.scope === "own" ? "own" : "all",
    name: values.name.trim(),
    owner: values.owner.trim(),
    status: STATUSES.has(values.status) ? (values.status as StatusFilter) : "",
    sortField: isSortField(field) ? field : "creation",
    sortOrder: order === "asc" ? "asc" : "desc",
    size: size > 0 && size <= 100 ? size : 10,
  };
}

/** A column header pressed: the same column flips its order, another starts in its own order. */
export function withSortBy(query: ListQuery, field: SortField): ListQuery {
  if (query.sortField === field) return { ...query, sortOrder: query.sortOrder === "asc" ? "desc" : "asc" };
  return { ...query, sortField: field, sortOrder: DEFAULT_ORDER[field] };
}
