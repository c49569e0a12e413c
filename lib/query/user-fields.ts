/**
 * The user fields Query users may name, as Elasticsearch's `USER_FIELD_NAME_TRANSLATORS` allows
 * them: `username`, `roles` and `enabled` (keyword, keyword, boolean), and the `text` fields
 * `full_name` and `email`, which cannot be sorted on. Nothing else of a user is queryable.
 */
import { recordFieldTable, type FieldTable, type RecordFieldSpec } from "./field-table.js";

/** The stored token arrays of the `text` fields (written with every user). */
export const USER_TOKEN_PATHS = { full_name: "full_name_tokens", email: "email_tokens" } as const;

const unsortable = (name: string): string => `sorting is not supported for field [${name}]`;

/** Query users' field table. */
export const USER_FIELD_TABLE: FieldTable = recordFieldTable({
  fields: new Map<string, RecordFieldSpec>([
    ["username", { path: "_id", kind: "keyword", nullable: false }],
    ["roles", { path: "roles", kind: "keyword", nullable: true, multiValued: true }],
    ["enabled", { path: "enabled", kind: "boolean", nullable: false }],
    [
      "full_name",
      {
        path: USER_TOKEN_PATHS.full_name,
        kind: "keyword",
        nullable: true,
        analyzedFrom: "full_name",
        sortRefusal: unsortable("full_name"),
      },
    ],
    ["email", { path: USER_TOKEN_PATHS.email, kind: "keyword", nullable: true, analyzedFrom: "email", sortRefusal: unsortable("email") }],
  ]),
  metadata: false,
  idPrefix: "user-",
});
