/** A hit's `_sort` values, as Elasticsearch renders them. */
import type { ApiKeySort, ApiKeySortKey, SortValue } from "./api-key-sort.js";
import type { StoredDocument } from "./document-values.js";
import { keyValue } from "./sort-order.js";
import { UTC } from "./time-zone.js";

/** `Long.MAX_VALUE` / `Long.MIN_VALUE`: Elasticsearch's sort value for a missing date or boolean. */
export const MISSING_SORT_MAX = 2 ** 63;
export const MISSING_SORT_MIN = -9223372036854775808;
const MISSING_SORT_MAX_TEXT = "9223372036854775807";
const MISSING_SORT_MIN_TEXT = "-9223372036854775808";
/** How Elasticsearch prints those two with a date `format`. */
export const MISSING_SORT_MAX_DATE = "+292278994-08-17T07:12:55.807Z";
export const MISSING_SORT_MIN_DATE = "-292275055-05-16T16:47:04.192Z";

export function missingSentinel(key: ApiKeySortKey): number {
  const high = (key.order === "asc") === (key.missing === "_last");
  return high ? MISSING_SORT_MAX : MISSING_SORT_MIN;
}

/**
 * A hit's `_sort` array, as Elasticsearch renders it: dates as epoch ms (or strings in the sort's
 * `format`), booleans as 1/0, keywords as strings (flattened metadata leaves stringified), `_doc`
 * as the key id. A missing date or boolean is `Long.MAX_VALUE`/`Long.MIN_VALUE` (whichever sorts
 * last), a missing keyword `null`.
 */
export function sortValuesFor(doc: StoredDocument, sort: ApiKeySort): SortValue[] {
  return sort.map((key): SortValue => {
    const value = keyValue(doc, key);
    if (value.missing) {
      if (key.kind === "keyword" || key.kind === "id") return null;
      const sentinel = missingSentinel(key);
      if (key.format) {
        if (key.format.pattern === "epoch_millis") return sentinel > 0 ? MISSING_SORT_MAX_TEXT : MISSING_SORT_MIN_TEXT;
        return sentinel > 0 ? MISSING_SORT_MAX_DATE : MISSING_SORT_MIN_DATE;
      }
      return sentinel;
    }
    const raw = value.value;
    switch (key.kind) {
      case "date":
        return key.format ? key.format.format(raw as number, UTC) : raw;
      case "long":
        return raw;
      case "boolean":
        return raw === true ? 1 : 0;
      case "keyword":
        return typeof raw === "string" ? raw : String(raw);
      case "id":
        return raw;
    }
  });
}
