// Finds or starts a real MongoDB-compatible server for the tests, the demo and the benchmarks.
//
//   const { uri, kind, stop } = await startMongoServer();
//
// `uri` is a server root such as `mongodb://127.0.0.1:41234/`; callers choose their own database
// (append a name, or pass mongoose's `dbName` option). When MONGODB_URI is given and already names
// a database (`mongodb://host/admin?…`), it is returned untouched: that name stays the driver's
// default auth database, so prefer `dbName` over string concatenation with such URIs.
//
// Order: MONGODB_URI, then a `mongod` on PATH, then FerretDB built from test/support/ferretdb.
// Run directly (`node scripts/mongo-server.mjs [data-dir]`) it prints the URI and serves until
// Ctrl-C; with data-dir the data outlives the server.

import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { createServer, connect } from "node:net";
import { homedir, tmpdir } from "node:os";
import { delimiter, dirname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const ferretSourceDir = join(repoRoot, "test", "support", "ferretdb");

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const HEARTBEAT_MS = 10_000;

const defaultLog = (msg) => process.stderr.write(msg + "\n");

/**
 * `ferretIdIndex` (FerretDB only) adds the index FerretDB's own `_id` lookups miss (see
 * test/support/ferretdb/main.go); the benchmark asks for it so reads by `_id` are index lookups,
 * as on MongoDB. The test suite runs FerretDB as it ships.
 * @param {{ log?: (msg: string) => void, persistentDir?: string, ferretIdIndex?: boolean }} [options]
 * @returns {Promise<{ uri: string, kind: "external" | "mongod" | "ferretdb", stop: () => Promise<void> }>}
 */
export async function startMongoServer({ log = defaultLog, persistentDir, ferretIdIndex = false } = {}) {
  const external = process.env.MONGODB_URI?.trim();
  if (external) {
    log(`using MONGODB_URI (${redact(external)})`);
    return { uri: normaliseRootUri(external), kind: "external", stop: async () => {} };
  }

  const mongod = findOnPath("mongod");
  if (mongod) return startMongod(mongod, { log, persistentDir });

  const go = findOnPath("go");
  if (go) return startFerretDb(go, { log, persistentDir, ferretIdIndex });

  throw new Error(
    "No MongoDB server available. Provide one of:\n" +
      "  - MONGODB_URI=mongodb://host:port/ pointing at a running MongoDB (or compatible) server;\n" +
      "  - a `mongod` binary on PATH (MongoDB Community Server), started here on a temp dbpath;\n" +
      "  - Go >= 1.24 on PATH (`go version`), so FerretDB can be built from test/support/ferretdb.",
  );
}

/** Adds the `/` path a bare `mongodb://host:port` lacks, so appending a database name works. */
export function normaliseRootUri(uri) {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?#]*)(.*)$/s.exec(uri);
  if (!match) return uri;
  const [, authority, rest] = match;
  return rest.startsWith("/") ? uri : `${authority}/${rest}`;
}

function redact(uri) {
  return uri.replace(/\/\/([^@/]*)@/, "//***@");
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, fsConstants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function cacheRoot() {
  const xdg = process.env.XDG_CACHE_HOME;
  // The XDG spec says relative values must be ignored.
  const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".cache");
  return join(base, "express-keyguard");
}

export function expressKeyguardCacheDir() {
  return cacheRoot();
}

// ---------------------------------------------------------------------------------------------
// Child bookkeeping: a server must never outlive the process that started it.

/** @type {Set<{ child: import("node:child_process").ChildProcess, tempDir?: string, stop: () => Promise<void> }>} */
const live = new Set();
let hooksInstalled = false;

function track(entry) {
  live.add(entry);
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on("exit", killAllNow);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    const onSignal = () => {
      // Another listener owns the shutdown (and calls stop); the exit hook is the backstop.
      if (process.listenerCount(signal) > 1) return;
      // Sole listener: stop gracefully, then die by the signal as if nobody had listened.
      Promise.allSettled([...live].map((e) => e.stop())).finally(() => {
        process.removeListener(signal, onSignal);
        process.kill(process.pid, signal);
      });
    };
    process.on(signal, onSignal);
  }
}

// Runs inside process.on("exit"), where nothing asynchronous can happen any more.
function killAllNow() {
  for (const entry of live) {
    if (entry.child.exitCode === null && entry.child.signalCode === null) {
      try {
        // Throw-away data dies hard; a persistent data dir gets a clean shutdown (both mongod and
        // FerretDB finish promptly on SIGTERM even with their parent gone).
        entry.child.kill(entry.tempDir ? "SIGKILL" : "SIGTERM");
      } catch {
        // already gone
      }
    }
    if (entry.tempDir) rmSync(entry.tempDir, { recursive: true, force: true });
  }
  live.clear();
}

function makeStop(entry, log, label) {
  let stopping;
  entry.stop = () => {
    stopping ??= (async () => {
      const { child } = entry;
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolveExit) => child.once("exit", resolveExit));
        child.kill("SIGTERM");
        const timer = setTimeout(() => {
          log(`${label} did not stop within ${STOP_GRACE_MS / 1000} s; killing it`);
          child.kill("SIGKILL");
        }, STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }
      live.delete(entry);
      if (entry.tempDir) rmSync(entry.tempDir, { recursive: true, force: true });
    })();
    return stopping;
  };
  return entry.stop;
}

/** Resolves once the child's output pipes are drained (bounded, for processes that hang on). */
function outputClosed(child, timeoutMs = 1_000) {
  if (child.stdout?.closed !== false && child.stderr?.closed !== false) return Promise.resolve();
  return new Promise((resolveClosed) => {
    const timer = setTimeout(resolveClosed, timeoutMs);
    child.once("close", () => {
      clearTimeout(timer);
      resolveClosed();
    });
  });
}

/** Keeps the last bytes a child wrote, for error messages, without letting its pipe fill up. */
function tail(stream, limit = 16_384) {
  let text = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk) => {
    text = (text + chunk).slice(-limit);
  });
  return () => text.trim();
}

async function dataDir(persistentDir, prefix) {
  if (persistentDir) {
    mkdirSync(persistentDir, { recursive: true });
    return { dir: persistentDir, tempDir: undefined };
  }
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, tempDir: dir };
}

// ---------------------------------------------------------------------------------------------
// mongod

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

function canConnect(port) {
  return new Promise((resolveConnect) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolveConnect(true);
    });
    socket.once("error", () => resolveConnect(false));
  });
}

async function startMongod(binary, { log, persistentDir }) {
  // The port found free may be taken before mongod binds it; a fresh port usually fixes that.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startMongodOnce(binary, { log, persistentDir });
    } catch (error) {
      if (attempt >= 3 || !/address already in use/i.test(String(error))) throw error;
      log("port taken before mongod could bind it; retrying");
    }
  }
}

async function startMongodOnce(binary, { log, persistentDir }) {
  const { dir, tempDir } = await dataDir(persistentDir, "kg-mongod-");
  const port = await freePort();
  log(`starting mongod on 127.0.0.1:${port} (dbpath ${dir})`);
  const child = spawn(binary, ["--port", String(port), "--bind_ip", "127.0.0.1", "--dbpath", dir, "--quiet"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const entry = { child, tempDir };
  const stop = makeStop(entry, log, "mongod");
  track(entry);
  const output = tail(child.stdout);
  const errors = tail(child.stderr);

  const started = Date.now();
  let spawnError;
  child.once("error", (error) => (spawnError = error));
  while (!(await canConnect(port))) {
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (spawnError || exited || Date.now() - started > READY_TIMEOUT_MS) {
      await stop();
      await outputClosed(child);
      const why = spawnError
        ? String(spawnError)
        : exited
          ? `exited with ${child.exitCode ?? child.signalCode}`
          : `not accepting connections after ${READY_TIMEOUT_MS / 1000} s`;
      throw new Error(`mongod ${why}\n--- mongod output ---\n${errors()}\n${output().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`mongod ready in ${Date.now() - started} ms`);
  return { uri: `mongodb://127.0.0.1:${port}/`, kind: "mongod", stop };
}

// ---------------------------------------------------------------------------------------------
// FerretDB
//
// Why a wrapper program instead of FerretDB's own binary: v1.24.1 is not served by the Go module
// proxy ("This module version is not available"), and FerretDB's `cmd/ferretdb` panics when built
// outside its release pipeline (it needs build/version/version.txt). test/support/ferretdb wraps
// the embeddable package of v1.24.2 with its SQLite handler instead.

function ferretSourceHash() {
  const hash = createHash("sha256");
  for (const file of ["go.mod", "go.sum", "main.go"]) hash.update(readFileSync(join(ferretSourceDir, file)));
  return hash.digest("hex").slice(0, 12);
}

/** Where the FerretDB wrapper binary for the current sources lives (it may not be built yet). */
export function ferretDbBinaryPath() {
  return join(cacheRoot(), `ferretdb-${ferretSourceHash()}`, "ferretdb-embedded");
}

/** Builds the wrapper once per source hash; later calls return the cached binary. */
export async function ensureFerretDbBinary({ log = defaultLog, go = findOnPath("go") } = {}) {
  const target = ferretDbBinaryPath();
  if (existsSync(target)) return target;
  if (!go) throw new Error("Go is not on PATH: install Go >= 1.24 to build FerretDB, or set MONGODB_URI.");

  mkdirSync(dirname(target), { recursive: true });
  // Each build writes its own file and renames it into place, so concurrent first runs waste
  // work at worst but never leave a half-written binary behind.
  const temporary = `${target}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  log("building FerretDB (first run only)…");
  const started = Date.now();
  const heartbeat = setInterval(() => log(`  …still building FerretDB (${Math.round((Date.now() - started) / 1000)} s)`), HEARTBEAT_MS);
  try {
    const env = {
      ...process.env,
      GOTOOLCHAIN: "local",
      // -buildvcs=false: the module sits inside this git checkout; stamping VCS data would make
      // the build fail where git is missing or distrusts the checkout's owner (CI clones).
      GOFLAGS: "-mod=mod -buildvcs=false",
    };
    let result = await runGoBuild(go, temporary, env);
    if (result.code !== 0 && /sum\.golang\.org|checksum database|GOSUMDB|verifying .*(module|go\.mod)/i.test(result.stderr)) {
      // go.sum still pins every module; only the online cross-check is skipped.
      log("checksum database unreachable; retrying the FerretDB build with GOSUMDB=off");
      result = await runGoBuild(go, temporary, { ...env, GOSUMDB: "off" });
    }
    if (result.code !== 0) {
      throw new Error(`building FerretDB failed (go build exited with ${result.code}):\n${result.stderr.trim()}`);
    }
    renameSync(temporary, target);
  } finally {
    clearInterval(heartbeat);
    rmSync(temporary, { force: true });
  }
  log(`built FerretDB in ${((Date.now() - started) / 1000).toFixed(1)} s → ${target}`);
  return target;
}

function runGoBuild(go, output, env) {
  return new Promise((resolveBuild) => {
    const child = spawn(go, ["build", "-o", output, "."], { cwd: ferretSourceDir, env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", (error) => resolveBuild({ code: -1, stderr: String(error) }));
    child.once("close", (code) => resolveBuild({ code: code ?? -1, stderr }));
  });
}

async function startFerretDb(go, { log, persistentDir, ferretIdIndex }) {
  const binary = await ensureFerretDbBinary({ log, go });
  const { dir, tempDir } = await dataDir(persistentDir, "kg-ferretdb-");
  const started = Date.now();
  // Port 0 lets FerretDB pick a free loopback port itself (no window for another process to
  // grab it); the `ready` line reports the port it got.
  const child = spawn(binary, ["-listen-addr", "127.0.0.1:0", "-sqlite-dir", dir, ...(ferretIdIndex ? ["-id-index"] : [])], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const entry = { child, tempDir };
  const stop = makeStop(entry, log, "FerretDB");
  track(entry);
  const errors = tail(child.stderr);

  let port;
  try {
    port = await new Promise((resolveReady, reject) => {
      let buffered = "";
      const onData = (chunk) => {
        buffered += chunk;
        const match = /^ready mongodb:\/\/[^\s]*:(\d+)\/?\s*$/m.exec(buffered);
        if (match) {
          cleanup();
          resolveReady(Number(match[1]));
        }
      };
      const onExit = (code, signal) => {
        cleanup();
        reject(new Error(`FerretDB exited with ${code ?? signal} before it was ready`));
      };
      const onError = (error) => {
        cleanup();
        reject(error);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`FerretDB was not ready after ${READY_TIMEOUT_MS / 1000} s`));
      }, READY_TIMEOUT_MS);
      const cleanup = () => {
        clearTimeout(timer);
        child.stdout.off("data", onData);
        child.off("exit", onExit);
        child.off("error", onError);
        // Keep draining stdout so a chatty child never blocks on a full pipe.
        child.stdout.resume();
      };
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", onData);
      child.once("exit", onExit);
      child.once("error", onError);
    });
  } catch (error) {
    await stop();
    await outputClosed(child);
    throw new Error(`${error instanceof Error ? error.message : error}\n--- FerretDB stderr ---\n${errors()}`);
  }
  log(`FerretDB ready on 127.0.0.1:${port} in ${Date.now() - started} ms (sqlite dir ${dir})`);
  return { uri: `mongodb://127.0.0.1:${port}/`, kind: "ferretdb", stop };
}

// ---------------------------------------------------------------------------------------------
// CLI: a server for development that lives until Ctrl-C.

function isMainModule() {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isMainModule()) {
  const persistentDir = process.argv[2] ? resolve(process.argv[2]) : undefined;
  try {
    const server = await startMongoServer({ persistentDir });
    process.stdout.write(`${server.uri}\n`);
    defaultLog(`${server.kind} server running; Ctrl-C to stop`);
    const shutdown = async () => {
      await server.stop();
      process.exit(0);
    };
    process.on("SIGINT", shutdown);
    process.on("SIGTERM", shutdown);
    if (server.kind === "external") process.exit(0);
  } catch (error) {
    defaultLog(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
