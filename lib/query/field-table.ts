/**
 * The allow-list a query, sort or `ids` query goes through: one table per kind of document (API
 * keys, users, roles), mirroring Elasticsearch's `FieldNameTranslators` for each.
 */
import {
  concreteFieldName,
  metadataField,
  metadataRootField,
  notAllowed,
  resolveApiKeyField,
  resolveApiKeyFieldPattern,
  resolveFieldPattern,
  type ApiKeyField,
  type ApiKeyFieldKind,
} from "./api-key-fields.js";

/** The fields one kind of document may be queried and sorted on. */
export interface FieldTable {
  /**
   * Resolves a concrete field name.
   * @throws SecurityError 400 for patterns and names off the list, with Elasticsearch's messages.
   */
  resolve(name: unknown): ApiKeyField;
  /** The fields a name or pattern reaches, leniently (`simple_query_string`): unknown names reach none. */
  resolvePattern(nameOrPattern: string): ApiKeyField[];
  /**
   * The stored `_id` an `ids` query value names, or `undefined` when it cannot name a document of
   * this kind (Elasticsearch's ids are the security index's: `user-<name>`, `role-<name>`).
   */
  storedId(id: string): string | undefined;
}

/** The API-key fields (`api-key-fields.ts`): a key's id is its stored `_id`. */
export const API_KEY_FIELD_TABLE: FieldTable = {
  resolve: resolveApiKeyField,
  resolvePattern: resolveApiKeyFieldPattern,
  storedId: (id) => id,
};

/** One fixed field of a {@link recordFieldTable}. */
export interface RecordFieldSpec {
  readonly path: string;
  readonly kind: ApiKeyFieldKind;
  readonly nullable: boolean;
  /** A `text` field: `path` holds the tokens of this stored field. */
  readonly analyzedFrom?: string;
  readonly sortRefusal?: string;
  /** The stored value is an array: `[]` means no value. */
  readonly multiValued?: boolean;
}

/** What a {@link recordFieldTable} is built from. */
export interface RecordTableSpec {
  /** The fields by API name, in the order patterns list them. */
  readonly fields: ReadonlyMap<string, RecordFieldSpec>;
  /** Whether `metadata` and `metadata.<path>` are queryable (flattened). */
  readonly metadata: boolean;
  /** Elasticsearch's document id prefix (`user-`): the stored `_id` is the rest. */
  readonly idPrefix: string;
}

/** A field table over fixed fields (and optionally flattened metadata), with Elasticsearch's rules and messages. */
export function recordFieldTable(spec: RecordTableSpec): FieldTable {
  const names = [...spec.fields.keys(), ...(spec.metadata ? ["metadata"] : [])];
  const resolve = (input: unknown): ApiKeyField => {
    const name = concreteFieldName(input);
    const fixed = spec.fields.get(name);
    if (fixed) {
      return {
        name,
        path: fixed.path,
        kind: fixed.kind,
        flattened: undefined,
        missingAs: undefined,
        nullable: fixed.nullable,
        indexName: name,
        ...(fixed.analyzedFrom !== undefined ? { analyzed: { sourcePath: fixed.analyzedFrom } } : {}),
        ...(fixed.sortRefusal !== undefined ? { sortRefusal: fixed.sortRefusal } : {}),
        ...(fixed.multiValued === true ? { multiValued: true } : {}),
      };
    }
    if (spec.metadata && name === "metadata") return metadataRootField();
    if (spec.metadata && name.startsWith("metadata.")) return metadataField(name);
    return notAllowed(name);
  };
  return {
    resolve,
    resolvePattern: (nameOrPattern) => resolveFieldPattern(nameOrPattern, names, resolve),
    storedId(id) {
      return id.startsWith(spec.idPrefix) && id.length > spec.idPrefix.length ? id.slice(spec.idPrefix.length) : undefined;
    },
  };
}
