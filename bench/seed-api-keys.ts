import type { Model } from "mongoose";
import { hashSsha256 } from "../lib/authc/api-key/api-key-hash.js";
import type { ApiKeyDoc } from "../lib/store/store-documents.js";
import { randomId, randomSecret } from "../lib/support/random-id.js";

export interface SeedOptions {
  total: number;
  /** How many of them expired long enough ago for the remover to delete. */
  expired: number;
  /** Owners the keys are spread over (`owner0000`, …). */
  owners: number;
  /** Active keys whose secrets are returned, for cold authentications. */
  keep: number;
  /** A real key document whose descriptors and creator the seeded keys copy. */
  template: ApiKeyDoc;
  now: number;
  batchSize?: number;
  progress: (message: string) => void;
}

export interface SeedResult {
  /** `ApiKey` credentials (`base64(id:secret)`) of active keys. */
  encoded: string[];
  seconds: number;
}

export function ownerName(index: number): string {
  return `owner${String(index).padStart(4, "0")}`;
}

const DAY = 86_400_000;

/**
 * Bulk-inserts pre-hashed API-key documents shaped exactly as `ApiKeyService.create` stores them
 * (salted SHA-256 hashes, descriptors as JSON strings), straight through the driver's
 * `insertMany`: the point is a large collection, not the create path.
 */
export async function seedApiKeys(model: Model<ApiKeyDoc>, options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const batchSize = options.batchSize ?? 5000;
  const encoded: string[] = [];
  // Expired and active keys interleave, as they would after months of use.
  const expiredEvery = options.expired > 0 ? options.total / options.expired : Number.POSITIVE_INFINITY;
  let expiredSoFar = 0;
  let lastReport = 0;
  // Kept keys are spread evenly over the whole collection (insertion order included): a server
  // that scans in insertion order until it finds a key (FerretDB's SQLite backend does) must not
  // look faster than it is because every measured key sits near the start.
  const keepEvery = Math.max(1, Math.floor(options.total / Math.max(1, options.keep)));
  let nextKeep = 0;
  for (let offset = 0; offset < options.total; offset += batchSize) {
    const docs: ApiKeyDoc[] = [];
    for (let i = offset; i < Math.min(options.total, offset + batchSize); i++) {
      const expired = expiredSoFar < options.expired && i >= expiredSoFar * expiredEvery;
      if (expired) expiredSoFar++;
      const id = randomId();
      const secret = randomSecret();
      const principal = ownerName(i % options.owners);
      const created = options.now - 60 * DAY + i;
      docs.push({
        ...options.template,
        _id: id,
        name: `key-${i}`,
        creation_time: created,
        expiration_time: expired ? options.now - 30 * DAY : i % 3 === 0 ? null : options.now + 90 * DAY,
        invalidated: false,
        invalidation_time: null,
        hash: hashSsha256(secret),
        creator: { ...options.template.creator, principal },
        version: 1,
      });
      if (!expired && encoded.length < options.keep && i >= nextKeep) {
        encoded.push(Buffer.from(`${id}:${secret}`).toString("base64"));
        nextKeep = i + keepEvery;
      }
    }
    // The driver's own insertMany: documents exactly as given, no mongoose casting per document.
    await model.collection.insertMany(docs as unknown as Array<Record<string, unknown>>, { ordered: false });
    const done = Math.min(options.total, offset + batchSize);
    if (done - lastReport >= 20_000 || done === options.total) {
      lastReport = done;
      const elapsed = (Date.now() - started) / 1000;
      options.progress(`seeded ${done.toLocaleString("en-US")} / ${options.total.toLocaleString("en-US")} keys (${elapsed.toFixed(1)} s)`);
    }
  }
  return { encoded, seconds: (Date.now() - started) / 1000 };
}
