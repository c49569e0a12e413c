/**
 * The role fields Query roles may name, as Elasticsearch's `ROLE_FIELD_NAME_TRANSLATORS` allows
 * them: `name`, the `text` field `description`, `applications.application`,
 * `applications.resources`, `applications.privileges` (keywords) and flattened `metadata`.
 */
import { recordFieldTable, type FieldTable, type RecordFieldSpec } from "./field-table.js";

/** The stored token array of `description` (written with every role). */
export const ROLE_DESCRIPTION_TOKENS_PATH = "description_tokens";

/** Elasticsearch refuses sorts on `text` fields (no field data) with this message. */
export function textFieldSortRefusal(name: string): string {
  return (
    "Text fields are not optimised for operations that require per-document field data like aggregations and sorting, " +
    "so these operations are disabled by default. Please use a keyword field instead. Alternatively, set fielddata=true " +
    `on [${name}] in order to load field data by uninverting the inverted index. Note that this can use significant memory.`
  );
}

/** Query roles' field table. */
export const ROLE_FIELD_TABLE: FieldTable = recordFieldTable({
  fields: new Map<string, RecordFieldSpec>([
    ["name", { path: "_id", kind: "keyword", nullable: false }],
    [
      "description",
      {
        path: ROLE_DESCRIPTION_TOKENS_PATH,
        kind: "keyword",
        nullable: true,
        analyzedFrom: "descriptor.description",
        sortRefusal: textFieldSortRefusal("description"),
      },
    ],
    ["applications.application", { path: "descriptor.applications.application", kind: "keyword", nullable: true, multiValued: true }],
    ["applications.resources", { path: "descriptor.applications.resources", kind: "keyword", nullable: true, multiValued: true }],
    ["applications.privileges", { path: "descriptor.applications.privileges", kind: "keyword", nullable: true, multiValued: true }],
  ]),
  metadata: true,
  idPrefix: "role-",
});
