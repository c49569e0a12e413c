/** MongoDB's duplicate-key error (E11000): an insert or upsert lost a race on a unique key. */
export function isDuplicateKey(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === 11000;
}
