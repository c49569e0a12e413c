import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants as fsConstants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// Compiled to build/test/support/: the script lives in <repo>/scripts/, outside build/.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const mongoServer = (await import(
  pathToFileURL(join(repoRoot, "scripts", "mongo-server.mjs")).href
)) as typeof import("../../scripts/mongo-server.mjs");

/**
 * A private MongoDB-compatible server that a fault test may stop, kill, freeze and restart on the
 * same port with the same data, without disturbing the shared server of the other test files.
 * `mongod` when one is on PATH, else the FerretDB wrapper `npm test` builds.
 */
export interface RestartableMongoServer {
  /** `mongodb://127.0.0.1:<port>/`, stable across restarts. */
  readonly uri: string;
  readonly kind: "mongod" | "ferretdb";
  /** Starts the server again on the same port and data directory. */
  start(): Promise<void>;
  /** Graceful stop (SIGTERM), resolved once the process has exited. */
  stop(): Promise<void>;
  /** Crash (SIGKILL): in-flight requests are cut. */
  kill(): Promise<void>;
  /** Freeze (SIGSTOP): connections stay open, nothing answers. Resolves once the process is stopped. */
  pause(): Promise<void>;
  resume(): void;
  /** Kills the server and removes its data; safe to call twice. */
  close(): Promise<void>;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), fsConstants.X_OK);
      return join(dir, name);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

export async function startRestartableMongoServer(): Promise<RestartableMongoServer> {
  const mongod = onPath("mongod");
  const binary = mongod ?? (await mongoServer.ensureFerretDbBinary({ log: () => undefined }));
  const kind = mongod ? "mongod" : "ferretdb";
  const dir = mkdtempSync(join(tmpdir(), "kg-faults-"));
  let port = await freePort();
  let child: ChildProcess | undefined;
  let closed = false;

  const launch = async (): Promise<void> => {
    const args =
      kind === "mongod"
        ? ["--port", String(port), "--bind_ip", "127.0.0.1", "--dbpath", dir, "--quiet"]
        : ["-listen-addr", `127.0.0.1:${port}`, "-sqlite-dir", dir];
    const proc = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
    child = proc;
    let output = "";
    proc.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output = (output + chunk).slice(-4000)));
    proc.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output = (output + chunk).slice(-4000)));
    const started = Date.now();
    // Ready when it accepts a ping (both servers print differently; a ping is the common proof).
    for (;;) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`${kind} exited early: ${output}`);
      if (Date.now() - started > 30_000) throw new Error(`${kind} not ready after 30 s: ${output}`);
      if (await answersPing(port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  await launch();
  const killHard = () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      try {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", () => {
    killHard();
    rmSync(dir, { recursive: true, force: true });
  });

  const server: RestartableMongoServer = {
    uri: `mongodb://127.0.0.1:${port}/`,
    kind,
    async start() {
      if (closed) throw new Error("server closed");
      await launch();
    },
    async stop() {
      if (!child) return;
      const done = exited(child);
      child.kill("SIGCONT");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child?.kill("SIGKILL"), 5000);
      await done;
      clearTimeout(timer);
    },
    async kill() {
      if (!child) return;
      const done = exited(child);
      killHard();
      await done;
    },
    async pause() {
      if (!child?.pid) return;
      child.kill("SIGSTOP");
      // The signal is asynchronous: wait until the kernel reports the process stopped ("T").
      const stat = `/proc/${child.pid}/stat`;
      for (let i = 0; i < 100; i++) {
        try {
          if (/^\d+ \(.*\) T /.test(readFileSync(stat, "utf8"))) return;
        } catch {
          break; // no /proc: fall back to a fixed pause
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 200));
    },
    resume() {
      child?.kill("SIGCONT");
    },
    async close() {
      if (closed) return;
      closed = true;
      if (child) {
        const done = exited(child);
        killHard();
        await done;
      }
      rmSync(dir, { recursive: true, force: true });
      port = 0;
    },
  };
  return server;
}

/** One `hello` round trip with the driver mongoose brings (no second driver). */
async function answersPing(port: number): Promise<boolean> {
  const { default: mongoose } = await import("mongoose");
  const connection = mongoose.createConnection(`mongodb://127.0.0.1:${port}/`, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 });
  try {
    await connection.asPromise();
    await connection.db?.admin().ping();
    return true;
  } catch {
    return false;
  } finally {
    await connection.close(true).catch(() => undefined);
  }
}
