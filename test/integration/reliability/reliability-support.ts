import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Agent, request as httpRequest } from "node:http";
import type { Connection } from "mongoose";

/** One HTTP exchange, raw: header values may carry any latin1 byte the HTTP grammar allows. */
export interface RawResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
  ms: number;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

/** Closes the keep-alive sockets so node --test can exit. */
export function closeAgent(): void {
  agent.destroy();
}

/** Sends one request with node:http (fetch refuses some header bytes the fuzz needs). */
export async function send(baseUrl: string, req: RawRequest): Promise<RawResult> {
  try {
    return await sendOnce(baseUrl, req);
  } catch (error) {
    // A kept-alive socket the server closed as idle just as it was reused: the request never
    // reached the server (Node's documented keep-alive race), so sending it again is safe.
    if ((error as { reusedSocket?: boolean; code?: string }).reusedSocket && (error as { code?: string }).code === "ECONNRESET")
      return sendOnce(baseUrl, req);
    throw error;
  }
}

function sendOnce(baseUrl: string, req: RawRequest): Promise<RawResult> {
  const url = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...req.headers };
    if (req.body !== undefined) headers["content-length"] = Buffer.byteLength(req.body);
    const r = httpRequest({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let body: unknown = undefined;
        try {
          body = text.length > 0 ? JSON.parse(text) : undefined;
        } catch {
          body = text;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body, ms: Date.now() - started });
      });
      res.on("error", reject);
    });
    r.on("error", (error) => reject(Object.assign(error, { reusedSocket: r.reusedSocket })));
    if (req.body !== undefined) r.write(req.body);
    r.end();
  });
}

export function basic(user: string, password: string): string {
  return "Basic " + Buffer.from(`${user}:${password}`, "utf8").toString("base64");
}

/** Bytes a header value may carry on the wire (RFC 9110 field-vchar, SP, HTAB, obs-text). */
export function toHeaderValue(text: string): string {
  return Buffer.from(text, "utf8")
    .toString("latin1")
    .replace(/[^\t\x20-\x7e\x80-\xff]/g, "");
}

const STACK = /(?:\n\s+at\s|\bat\s+\S+\s+\(|node:internal|\.[cm]?[jt]s:\d+:\d+|\/build\/lib\/|\/node_modules\/)/;

/**
 * The response invariants every request must keep, whatever it sent: no 5xx, no stack trace, no
 * secret, and an Elasticsearch error body (or the `{}` 404 of Get APIs) for every rejection.
 */
export function assertSafeResponse(res: RawResult, secrets: readonly string[], context: string): void {
  assert.ok(res.status >= 200 && res.status < 500, `${context}: status ${res.status} ${res.text.slice(0, 500)}`);
  assert.doesNotMatch(res.text, STACK, `${context}: stack trace in the response`);
  for (const secret of secrets) {
    assert.ok(!res.text.includes(secret), `${context}: a secret (${secret.slice(0, 4)}…) is in the response`);
  }
  if (res.status >= 400) assertElasticsearchError(res, context);
}

/** `{"error":{"root_cause":[…],"type":…,"reason":…},"status":N}` with N the HTTP status. */
export function assertElasticsearchError(res: RawResult, context: string): void {
  const body = res.body as { error?: { type?: unknown; reason?: unknown; root_cause?: unknown }; status?: unknown } | undefined;
  if (res.status === 404 && body && typeof body === "object" && !("error" in body)) {
    // Get APIs answer a named lookup that found nothing with `{}` (or a body naming the misses).
    return;
  }
  assert.ok(body && typeof body === "object", `${context}: error body is not JSON: ${res.text.slice(0, 300)}`);
  const oauth = body as { error?: unknown; error_description?: unknown };
  if (res.status === 400 && typeof oauth.error === "string" && typeof oauth.error_description === "string") {
    // The token API answers grant errors in OAuth2's shape, as Elasticsearch does.
    assert.match(oauth.error, /^(invalid_request|invalid_grant|unsupported_grant_type|invalid_client)$/, context);
    return;
  }
  if (res.status === 405) {
    // Elasticsearch answers a known path asked with the wrong method with a plain error string and Allow.
    const plain = body as { error?: unknown; status?: unknown };
    assert.equal(plain.status, 405, `${context}: body status ${String(plain.status)} ≠ HTTP 405`);
    assert.match(String(plain.error), /^Incorrect HTTP method for uri \[.*\] and method \[[A-Z]+\], allowed: \[[A-Z, ]+\]$/s, context);
    assert.ok(res.headers.allow, `${context}: 405 without Allow`);
    return;
  }
  assert.equal(body.status, res.status, `${context}: body status ${String(body.status)} ≠ HTTP ${res.status}`);
  assert.equal(typeof body.error?.type, "string", `${context}: error.type missing: ${res.text.slice(0, 300)}`);
  assert.equal(typeof body.error?.reason, "string", `${context}: error.reason missing`);
  assert.ok(Array.isArray(body.error?.root_cause) && (body.error.root_cause as unknown[]).length > 0, `${context}: root_cause missing`);
  assert.match(String(res.headers["content-type"]), /application\/json/, `${context}: error is not JSON`);
  if (res.status === 401) assert.ok(res.headers["www-authenticate"], `${context}: 401 without WWW-Authenticate`);
}

/** Per-collection digest of every document of the database (sorted by `_id`). */
export type Snapshot = Map<string, string>;

/** Collections whose documents legitimately change without a successful request (counters, leases, key usage: a request refused after authenticating counts as a use). */
const VOLATILE = /(?:rate_limits|leases|api_key_usage)$/;

export async function snapshot(connection: Connection): Promise<Snapshot> {
  const db = connection.db;
  if (!db) throw new Error("no database handle");
  const out: Snapshot = new Map();
  const collections = await db.listCollections({}, { nameOnly: true }).toArray();
  for (const { name } of collections.sort((a, b) => a.name.localeCompare(b.name))) {
    if (VOLATILE.test(name)) continue;
    const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    out.set(name, `${docs.length}:${createHash("sha256").update(JSON.stringify(docs)).digest("hex")}`);
  }
  return out;
}

export function assertSameSnapshot(before: Snapshot, after: Snapshot, context: string): void {
  assert.deepEqual(Object.fromEntries(after), Object.fromEntries(before), `${context}: a rejected request changed the database`);
}

/** Every object key stored anywhere in the database that MongoDB or JavaScript would give meaning to. */
export async function unsafeStoredKeys(connection: Connection): Promise<string[]> {
  const db = connection.db;
  if (!db) throw new Error("no database handle");
  const found: string[] = [];
  for (const { name } of await db.listCollections({}, { nameOnly: true }).toArray()) {
    for (const doc of await db.collection(name).find({}).toArray()) {
      const stack: unknown[] = [doc];
      while (stack.length > 0) {
        const value = stack.pop();
        if (value === null || typeof value !== "object") continue;
        if (Array.isArray(value)) {
          stack.push(...value);
          continue;
        }
        if (value.constructor?.name && !["Object", "Array"].includes(value.constructor.name)) continue;
        for (const key of Object.keys(value)) {
          if (key.startsWith("$") || key === "__proto__" || key === "constructor" || key === "prototype") found.push(`${name}:${key}`);
          stack.push((value as Record<string, unknown>)[key]);
        }
      }
    }
  }
  return found;
}

/** The stored secrets' hashes (users' bcrypt hashes, API-key hashes), which must never be shown. */
export async function storedHashes(connection: Connection, prefix = "security_"): Promise<string[]> {
  const db = connection.db;
  if (!db) throw new Error("no database handle");
  const users = await db
    .collection(`${prefix}users`)
    .find({}, { projection: { password_hash: 1 } })
    .toArray();
  const keys = await db
    .collection(`${prefix}api_keys`)
    .find({}, { projection: { hash: 1 } })
    .toArray();
  const hashes = [...users.map((u) => String(u.password_hash)), ...keys.map((k) => String(k.hash))];
  // The digest part alone is enough to leak: check the distinctive tail too.
  return hashes.flatMap((h) => [h, h.slice(-24)]).filter((h) => h.length >= 16);
}

export { eventually, sleep } from "../../support/eventually.js";

/** Prints one figure into the test output (`# …` lines are kept by the spec reporter). */
export function report(line: string): void {
  process.stdout.write(`# ${line}\n`);
}
