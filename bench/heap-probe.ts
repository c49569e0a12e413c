// `node --expose-gc build/bench/heap-probe.js [keys] < template.json`: the heap cost of the API-key auth cache
// holding `keys` verified keys (default 25,000, Elasticsearch's default cache size), measured in
// a process of its own so nothing else moves the heap. Prints one JSON line.
//
// The keys go through the real ApiKeyAuthenticator (parse header, load document, verify the
// SSHA256 hash, cache snapshot and digest); documents come from memory, copies of a key the real
// ApiKeyService.create stored, freshly parsed per load as the driver would.

import { ApiKeyAuthenticator } from "../lib/authc/api-key/api-key-authenticator.js";
import { ApiKeyCache } from "../lib/authc/api-key/api-key-cache.js";
import { ApiKeyHasher, hashSsha256 } from "../lib/authc/api-key/api-key-hash.js";
import { parseAuthorization } from "../lib/authc/parse-authorization.js";
import type { ApiKeyDoc } from "../lib/store/store-documents.js";
import { randomId, randomSecret } from "../lib/support/random-id.js";

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  process.stderr.write("heap-probe needs node --expose-gc\n");
  process.exit(2);
}
const collect = gc;

const count = Number(process.argv[2] ?? 25_000);
// A real key document (from the benchmark server, on stdin) that the probe's keys copy: the
// probe then follows whatever the stored shape is today.
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const template = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ApiKeyDoc;

// Everything a request brings (headers) and the stored documents exist before the baseline.
const headers: string[] = [];
const stored = new Map<string, string>();
const now = Date.now();
for (let i = 0; i < count; i++) {
  const id = randomId();
  const secret = randomSecret();
  const doc: ApiKeyDoc = {
    ...template,
    _id: id,
    name: `key-${i}`,
    creation_time: now - i,
    expiration_time: i % 3 === 0 ? null : now + 86_400_000,
    hash: hashSsha256(secret),
    creator: { ...template.creator, principal: `owner${i % 1000}` },
  };
  stored.set(id, JSON.stringify(doc));
  headers.push("ApiKey " + Buffer.from(`${id}:${secret}`).toString("base64"));
}

const cache = new ApiKeyCache({ ttlMs: 86_400_000, maxKeys: count, docTtlMs: 300_000 });
const hasher = new ApiKeyHasher("ssha256", { hash: () => Promise.reject(new Error("unused")), verify: () => Promise.resolve(false) });
const authenticator = new ApiKeyAuthenticator(
  { get: (id) => Promise.resolve(stored.has(id) ? (JSON.parse(stored.get(id) as string) as ApiKeyDoc) : null) },
  hasher,
  cache,
);

async function settle(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    collect();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

const before = await settle();
for (const header of headers) {
  const credentials = parseAuthorization(header);
  if (credentials?.scheme !== "apikey") throw new Error("bad header");
  const result = await authenticator.authenticate(credentials, { uri: "/", request: undefined });
  if (result.status !== "success") throw new Error(`key did not authenticate: ${JSON.stringify(result)}`);
}
const after = await settle();
if (cache.size !== count) throw new Error(`cache holds ${cache.size} keys, expected ${count}`);
process.stdout.write(
  JSON.stringify({ keys: count, heapMb: (after - before) / (1024 * 1024), bytesPerKey: Math.round((after - before) / count) }) + "\n",
);
