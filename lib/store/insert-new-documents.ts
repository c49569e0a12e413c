import type { Model } from "mongoose";
import { isDuplicateKey } from "./is-duplicate-key.js";

interface WriteErrorLike {
  index?: unknown;
  code?: unknown;
  err?: { index?: unknown; code?: unknown };
}

function writeErrorsOf(error: unknown): WriteErrorLike[] | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const found = (error as { writeErrors?: unknown }).writeErrors;
  if (found === undefined || found === null) return undefined;
  return (Array.isArray(found) ? found : [found]) as WriteErrorLike[];
}

/**
 * Inserts `docs` (each with a unique `_id`) in one unordered `insertMany`: every document whose
 * `_id` is free is written whole, one by one (a document never half-exists; the batch as a whole
 * is not atomic). Returns the positions in `docs` of the documents that were not written because
 * their `_id` already existed; any other failure is thrown.
 */
export async function insertNewDocuments<T>(model: Model<T>, docs: readonly T[]): Promise<{ duplicates: number[] }> {
  if (docs.length === 0) return { duplicates: [] };
  try {
    await model.insertMany(docs as T[], { ordered: false, lean: true });
    return { duplicates: [] };
  } catch (error) {
    const writeErrors = writeErrorsOf(error);
    if (!writeErrors || writeErrors.length === 0) throw error;
    const duplicates: number[] = [];
    for (const writeError of writeErrors) {
      const code = writeError.code ?? writeError.err?.code;
      const index = writeError.index ?? writeError.err?.index;
      if (!isDuplicateKey({ code }) || typeof index !== "number") throw error;
      duplicates.push(index);
    }
    return { duplicates: duplicates.sort((a, b) => a - b) };
  }
}
