import { availableParallelism } from "node:os";
import type { RoleDescriptor, RoleDescriptorMap } from "../../model/role-descriptor.js";
import type { ApiKeyStore } from "../../store/api-key-store.js";
import { insertNewDocuments } from "../../store/insert-new-documents.js";
import type { ApiKeyDoc } from "../../store/store-documents.js";
import { constantTimeEqual } from "../../support/constant-time-equal.js";
import { parseJsonRows } from "../../support/parse-json-rows.js";
import { randomId } from "../../support/random-id.js";
import {
  canonicalJson,
  decodeDescriptors,
  decodeMetadata,
  encodeDescriptors,
  encodeMetadata,
  metadataValues,
} from "../../authc/api-key/api-key-document.js";
import type { ApiKeyHasher } from "../../authc/api-key/api-key-hash.js";
import { expirationTime } from "./api-key-requests.js";
import { flattenMetadata } from "./flatten-metadata.js";
import { ImportRowError, parseImportRow, type ImportRow, type ImportRowContext } from "./parse-import-row.js";
import { setOwnKey } from "../../support/set-own-key.js";
import type { ImportApiKeysOptions, ImportApiKeysResult, ImportedKey, ImportProblem, ImportProgress } from "./import-api-keys-options.js";
import { mapWithLimit } from "../../support/map-with-limit.js";

export interface ImportApiKeysDeps {
  store: ApiKeyStore;
  hasher: Pick<ApiKeyHasher, "hash" | "verify">;
  /** Built-in, static and native roles by name (unknown names are left out). */
  resolveRoles(names: string[]): Promise<Array<{ name: string; descriptor: RoleDescriptor }>>;
  rowContext: ImportRowContext;
  clock: () => number;
}

interface Entry {
  index: number;
  line: number | undefined;
  row: ImportRow;
  limitedBy: RoleDescriptorMap;
  /** Assigned after compare for rows without an id. */
  id: string | undefined;
  status: ImportedKey["status"] | undefined;
}

const DEFAULT_BATCH = 1000;
/** Slow hashes at once per import: the hasher's shared queues also serve live requests. */
const HASH_CONCURRENCY = Math.max(1, availableParallelism());
const RANDOM_ID_ATTEMPTS = 3;
/** Up to this many stored keys per input row, the comparison reads the collection once (see below). */
const SCAN_FACTOR = 4;

function problemOf(entry: Pick<Entry, "index" | "line">, reason: string, id?: string): ImportProblem {
  return {
    row: entry.index + 1,
    ...(entry.line !== undefined ? { line: entry.line } : {}),
    ...(id !== undefined ? { id } : {}),
    reason,
  };
}

function byPosition(a: ImportProblem, b: ImportProblem): number {
  return (a.line ?? a.row ?? 0) - (b.line ?? b.row ?? 0);
}

/** The stored `expiration_time` a row asks for, given the key's creation time. */
function expectedExpiration(row: ImportRow, creation: number): number | null {
  if (row.expiration === undefined) return null;
  if ("at" in row.expiration) return row.expiration.at;
  return expirationTime(creation, row.expiration.afterMs);
}

/**
 * Imports existing API keys (plaintext secrets or Elasticsearch-format hashes) into the store.
 * `input` is an array of rows, or the text of a file (a JSON array or NDJSON; problems then carry
 * line numbers). Every row is validated first and compared with what is stored; if any row is
 * invalid or conflicts, nothing is written. New keys are then inserted in unordered batches of
 * unique-`_id` inserts: a crash part-way leaves whole keys only, and running the same input again
 * completes the import (rows already stored with the same content count as `unchanged`).
 */
export async function importApiKeys(
  deps: ImportApiKeysDeps,
  input: readonly unknown[] | string,
  options: ImportApiKeysOptions = {},
): Promise<ImportApiKeysResult> {
  if (typeof input !== "string" && !Array.isArray(input))
    throw new TypeError("apiKeys.import(rows): rows must be an array of rows or the text of a JSON array / NDJSON file");
  if (options === null || typeof options !== "object") throw new TypeError("apiKeys.import(rows, options): options must be an object");
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000)
    throw new TypeError(`apiKeys.import: batchSize must be an integer from 1 to 10000 (got ${String(batchSize)})`);
  if (options.onProgress !== undefined && typeof options.onProgress !== "function")
    throw new TypeError("apiKeys.import: onProgress must be a function");
  const dryRun = options.dryRun === true;
  const started = Date.now();
  const importTime = deps.clock();

  const errors: ImportProblem[] = [];
  const conflicts: ImportProblem[] = [];
  let raws: Array<{ value: unknown; line: number | undefined }>;
  if (typeof input === "string") {
    const parsed = parseJsonRows(input);
    raws = parsed.rows;
    for (const problem of parsed.problems) errors.push({ line: problem.line, reason: problem.reason });
  } else {
    raws = (input as unknown[]).map((value) => ({ value, line: undefined }));
  }

  const progress: ImportProgress = {
    phase: "validate",
    total: raws.length,
    validated: 0,
    compared: 0,
    scanned: 0,
    stored: 0,
    toInsert: 0,
    inserted: 0,
    unchanged: 0,
    elapsedMs: 0,
  };
  const report = (phase: ImportProgress["phase"]) => {
    progress.phase = phase;
    progress.elapsedMs = Date.now() - started;
    try {
      options.onProgress?.({ ...progress });
    } catch {
      // A broken progress display must not leave an import half-done.
    }
  };
  const finish = (keys: ImportedKey[]): ImportApiKeysResult => {
    report("done");
    return {
      total: raws.length,
      inserted: progress.inserted,
      unchanged: progress.unchanged,
      errors: errors.sort(byPosition),
      conflicts: conflicts.sort(byPosition),
      keys,
      dryRun,
    };
  };

  // 1. Validate every row.
  report("validate");
  const entries: Entry[] = [];
  const firstById = new Map<string, Entry>();
  for (let index = 0; index < raws.length; index++) {
    const { value, line } = raws[index] as { value: unknown; line: number | undefined };
    try {
      const row = parseImportRow(value, deps.rowContext);
      const entry: Entry = { index, line, row, limitedBy: {}, id: row.id, status: undefined };
      if (row.id !== undefined) {
        const first = firstById.get(row.id);
        if (first)
          throw new ImportRowError(
            `duplicate id [${row.id}] (first at ${first.line !== undefined ? `line ${first.line}` : `row ${first.index + 1}`})`,
          );
        firstById.set(row.id, entry);
      }
      entries.push(entry);
    } catch (error) {
      if (!(error instanceof ImportRowError)) throw error;
      errors.push(
        problemOf(
          { index, line },
          error.reason,
          typeof (value as { id?: unknown } | null)?.id === "string" ? (value as { id: string }).id : undefined,
        ),
      );
    }
    progress.validated = index + 1;
    if ((index + 1) % batchSize === 0) report("validate");
  }

  const roleNames = [...new Set(entries.flatMap((e) => ("roleNames" in e.row.limitedBy ? e.row.limitedBy.roleNames : [])))];
  const roles = new Map((roleNames.length > 0 ? await deps.resolveRoles(roleNames) : []).map((r) => [r.name, r.descriptor]));
  for (const entry of entries) {
    const limited = entry.row.limitedBy;
    if ("descriptors" in limited) {
      entry.limitedBy = limited.descriptors;
      continue;
    }
    const unknown = limited.roleNames.filter((name) => !roles.has(name));
    if (unknown.length > 0) {
      errors.push(
        problemOf(entry, `[limited_by] names unknown role${unknown.length > 1 ? "s" : ""} [${unknown.join(", ")}]`, entry.row.id),
      );
      continue;
    }
    for (const name of limited.roleNames) {
      const { description: _description, ...rest } = roles.get(name) as RoleDescriptor;
      setOwnKey(entry.limitedBy, name, structuredClone(rest));
    }
  }
  report("validate");
  if (errors.length > 0) return finish([]);

  // 2. Compare with what is stored.
  report("compare");
  const differences = async (entry: Entry, stored: ApiKeyDoc): Promise<string[]> => {
    const row = entry.row;
    const out: string[] = [];
    if ((stored.type ?? "rest") !== "rest") out.push("type");
    if (stored.name !== row.name) out.push("name");
    const creator = stored.creator;
    if (creator.principal !== row.owner.username || creator.realm !== row.owner.realm || creator.realm_type !== row.owner.realmType)
      out.push("owner");
    if (canonicalJson(decodeDescriptors(stored.role_descriptors)) !== canonicalJson(row.roleDescriptors)) out.push("role_descriptors");
    if (canonicalJson(decodeDescriptors(stored.limited_by_role_descriptors)) !== canonicalJson(entry.limitedBy)) out.push("limited_by");
    if (canonicalJson(decodeMetadata(stored.metadata)) !== canonicalJson(row.metadata)) out.push("metadata");
    if (row.creation !== undefined && stored.creation_time !== row.creation) out.push("creation");
    if ((stored.expiration_time ?? null) !== expectedExpiration(row, row.creation ?? stored.creation_time)) out.push("expiration");
    const sameCredential =
      row.hash !== undefined ? constantTimeEqual(stored.hash, row.hash) : await deps.hasher.verify(row.secret as string, stored.hash);
    if (!sameCredential) out.push(row.hash !== undefined ? "hash" : "secret");
    return out;
  };
  const settle = async (entry: Entry, stored: ApiKeyDoc): Promise<void> => {
    const different = await differences(entry, stored);
    if (different.length === 0) {
      entry.status = "unchanged";
      entry.id = stored._id;
      progress.unchanged++;
    } else {
      conflicts.push(problemOf(entry, `API key [${stored._id}] already exists with a different ${different.join(", ")}`, stored._id));
    }
  };

  // Rows without an id match a stored key of the same owner and name whose credential is the
  // row's (one stored key per row), so running the same file again inserts nothing new.
  const ownerKey = (username: string, realm: string, name: string) => JSON.stringify([username, realm, name]);
  const claimed = new Set<string>();
  const matchById = (batch: readonly Entry[], storedById: ReadonlyMap<string, ApiKeyDoc>) =>
    mapWithLimit(batch, HASH_CONCURRENCY, async (entry) => {
      const stored = storedById.get(entry.row.id as string);
      if (stored) await settle(entry, stored);
    });
  const matchByOwner = async (batch: readonly Entry[], candidates: ReadonlyMap<string, ApiKeyDoc[]>) => {
    for (const entry of batch) {
      const { owner, name } = entry.row;
      for (const candidate of candidates.get(ownerKey(owner.username, owner.realm, name)) ?? []) {
        if (claimed.has(candidate._id)) continue;
        const matches =
          entry.row.hash !== undefined
            ? constantTimeEqual(candidate.hash, entry.row.hash)
            : await deps.hasher.verify(entry.row.secret as string, candidate.hash);
        if (!matches) continue;
        claimed.add(candidate._id);
        await settle(entry, candidate);
        break;
      }
    }
  };
  const groupByOwner = (docs: readonly ApiKeyDoc[]) => {
    const grouped = new Map<string, ApiKeyDoc[]>();
    for (const doc of [...docs].sort((a, b) => a.creation_time - b.creation_time || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0))) {
      const key = ownerKey(doc.creator.principal, doc.creator.realm, doc.name);
      const list = grouped.get(key);
      if (list) list.push(doc);
      else grouped.set(key, [doc]);
    }
    return grouped;
  };

  const withId = entries.filter((e) => e.row.id !== undefined);
  const withoutId = entries.filter((e) => e.row.id === undefined);
  const storedCount = entries.length > 0 ? await deps.store.model.estimatedDocumentCount().exec() : 0;
  progress.stored = storedCount;
  // Batches of `$in` lookups read only what the rows name where they are index-backed (MongoDB);
  // some compatible servers (FerretDB 1.x) answer each with a full scan, which would make a large
  // import quadratic. One pass over the collection costs the same everywhere, so it is used when
  // the store is not much larger than the input.
  if (storedCount <= SCAN_FACTOR * entries.length) {
    const wantedIds = new Set(withId.map((e) => e.row.id as string));
    const wantedOwners = new Set(withoutId.map((e) => ownerKey(e.row.owner.username, e.row.owner.realm, e.row.name)));
    const storedById = new Map<string, ApiKeyDoc>();
    const candidates: ApiKeyDoc[] = [];
    // The full scan is the one read exempt from the store's time limit: a cursor's limit bounds
    // its whole life, which grows with the collection, and an import is not a request that a
    // deadline answers (0: no limit).
    for await (const doc of deps.store.model.find({}).maxTimeMS(0).lean<ApiKeyDoc>().cursor({ batchSize }) as AsyncIterable<ApiKeyDoc>) {
      if (wantedIds.has(doc._id)) storedById.set(doc._id, doc);
      if (wantedOwners.size > 0 && doc.creator && wantedOwners.has(ownerKey(doc.creator.principal, doc.creator.realm, doc.name)))
        candidates.push(doc);
      if (++progress.scanned % batchSize === 0) report("compare");
    }
    await matchById(withId, storedById);
    await matchByOwner(withoutId, groupByOwner(candidates));
    progress.compared = entries.length;
    report("compare");
  } else {
    for (let at = 0; at < withId.length; at += batchSize) {
      const batch = withId.slice(at, at + batchSize);
      const found = await deps.store.model
        .find({ _id: { $in: batch.map((e) => e.row.id as string) } })
        .lean<ApiKeyDoc[]>()
        .exec();
      await matchById(batch, new Map(found.map((doc) => [doc._id, doc])));
      progress.compared += batch.length;
      report("compare");
    }
    for (let at = 0; at < withoutId.length; at += batchSize) {
      const batch = withoutId.slice(at, at + batchSize);
      const usernames = [...new Set(batch.map((e) => e.row.owner.username))];
      const names = [...new Set(batch.map((e) => e.row.name))];
      const found = await deps.store.model
        .find({ "creator.principal": { $in: usernames }, name: { $in: names } })
        .lean<ApiKeyDoc[]>()
        .exec();
      await matchByOwner(batch, groupByOwner(found));
      progress.compared += batch.length;
      report("compare");
    }
  }
  if (conflicts.length > 0) return finish([]);

  // 3. Write the new keys.
  const fresh = entries.filter((e) => e.status === undefined);
  progress.toInsert = fresh.length;
  const buildDoc = async (entry: Entry, id: string): Promise<ApiKeyDoc> => {
    const row = entry.row;
    const creation = row.creation ?? importTime;
    return {
      _id: id,
      doc_type: "api_key",
      type: "rest",
      name: row.name,
      creation_time: creation,
      expiration_time: expectedExpiration(row, creation),
      invalidated: false,
      invalidation_time: null,
      hash: row.hash ?? (await deps.hasher.hash(row.secret as string)),
      role_descriptors: encodeDescriptors(row.roleDescriptors),
      limited_by_role_descriptors: encodeDescriptors(entry.limitedBy),
      metadata: encodeMetadata(row.metadata),
      metadata_flattened: flattenMetadata(row.metadata),
      metadata_values: metadataValues(row.metadata),
      creator: {
        principal: row.owner.username,
        full_name: null,
        email: null,
        metadata: "{}",
        realm: row.owner.realm,
        realm_type: row.owner.realmType,
      },
      version: 1,
    };
  };
  if (dryRun) {
    for (const entry of fresh) entry.status = "new";
  } else {
    report("write");
    for (let at = 0; at < fresh.length; at += batchSize) {
      let pending = fresh.slice(at, at + batchSize);
      let docs = await mapWithLimit(pending, HASH_CONCURRENCY, (entry) => buildDoc(entry, entry.row.id ?? randomId()));
      for (let attempt = 1; pending.length > 0; attempt++) {
        const { duplicates } = await insertNewDocuments(deps.store.model, docs);
        const lost = new Set(duplicates);
        pending.forEach((entry, i) => {
          if (lost.has(i)) return;
          entry.status = "inserted";
          entry.id = (docs[i] as ApiKeyDoc)._id;
          progress.inserted++;
        });
        const retry: Entry[] = [];
        const retryDocs: ApiKeyDoc[] = [];
        for (const i of duplicates) {
          const entry = pending[i] as Entry;
          const doc = docs[i] as ApiKeyDoc;
          if (entry.row.id === undefined && attempt < RANDOM_ID_ATTEMPTS) {
            // A random id already taken: practically never, but a new one settles it.
            retry.push(entry);
            retryDocs.push({ ...doc, _id: randomId() });
            continue;
          }
          // Someone else stored this id since the comparison (a concurrent import): same content
          // is fine, anything else is a conflict reported after the fact.
          const stored = await deps.store.model.findById(doc._id).lean<ApiKeyDoc>().exec();
          if (stored) await settle(entry, stored);
          else
            conflicts.push(
              problemOf(
                entry,
                `API key [${doc._id}] could not be inserted (its id was taken, then removed); run the import again`,
                doc._id,
              ),
            );
        }
        pending = retry;
        docs = retryDocs;
      }
      report("write");
    }
  }

  return finish(
    entries
      .filter((e) => e.status !== undefined && e.id !== undefined)
      .map((e) => {
        const key: ImportedKey = { row: e.index + 1, id: e.id as string, name: e.row.name, status: e.status as ImportedKey["status"] };
        if (e.line !== undefined) key.line = e.line;
        return key;
      }),
  );
}
