/** A parsed Query API keys `sort`, and the values it gives hits (`_sort`) and takes back (`search_after`). */
import type { ApiKeyField, ApiKeyFieldKind } from "./api-key-fields.js";
import type { DateFormat } from "./date-format.js";

export interface ApiKeySortKey {
  /** The name the request used (`_doc` for index order). */
  readonly name: string;
  /** The allowed field, or `undefined` for `_doc` (sorted by `_id`). */
  readonly field: ApiKeyField | undefined;
  /** Stored path MongoDB sorts on. */
  readonly path: string;
  readonly kind: ApiKeyFieldKind | "id";
  readonly order: "asc" | "desc";
  /** Where documents without a value go (Elasticsearch's default `_last`). */
  readonly missing: "_first" | "_last";
  /** For dates: when given, `_sort` values are formatted strings instead of epoch ms. */
  readonly format: DateFormat | undefined;
}

/** A parsed `sort`. */
export type ApiKeySort = readonly ApiKeySortKey[];

/** One value of a hit's `_sort` array (and of `search_after`). */
export type SortValue = string | number | boolean | null;

/** The MongoDB sort document: paths to 1 / -1, `_id` last. */
export type MongoSort = Record<string, 1 | -1>;
