/**
 * The version of the derived query fields user and role documents carry (`query_fields`): tokens
 * of their `text` fields and the queryable form of role metadata. A document with another value,
 * or none, was written before these fields (or their current form) and is rewritten by the
 * background backfill; raising it makes every document be recomputed once.
 */
export const QUERY_FIELDS_VERSION = 1;
