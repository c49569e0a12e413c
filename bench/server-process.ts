import { spawn, type ChildProcess } from "node:child_process";
import type { ChildMessage, Command, ServerTargets } from "./bench-protocol.js";

export interface ServerProcessOptions {
  /** Compiled bench-server.js. */
  script: string;
  env: NodeJS.ProcessEnv;
  /** Extra node flags (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Command prefix such as `["taskset", "-c", "1"]` to pin the server to a core. */
  prefix?: string[];
  log: (message: string) => void;
}

/** The benchmark's server, a child process driven over IPC. */
export class ServerProcess {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  readonly ready: Promise<{ targets: ServerTargets; database: string; templateJson: string }>;
  private exited = false;

  constructor(options: ServerProcessOptions) {
    const [command = process.execPath, ...prefixArgs] = options.prefix?.length ? [...options.prefix, process.execPath] : [process.execPath];
    // The child's stdout goes to our stderr: with --json our stdout carries the JSON alone.
    this.child = spawn(command, [...prefixArgs, ...(options.nodeArgs ?? []), options.script], {
      stdio: ["ignore", 2, 2, "ipc"],
      env: options.env,
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.on("message", (message: ChildMessage) => {
        if (message.type === "progress") options.log(message.message);
        else if (message.type === "ready")
          resolve({ targets: message.targets, database: message.database, templateJson: message.templateJson });
        else {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.ok) waiting?.resolve(message.value);
          else waiting?.reject(new Error(`server: ${message.error}`));
        }
      });
      this.child.once("exit", (code, signal) => {
        this.exited = true;
        const error = new Error(`the benchmark server exited (${code ?? signal})`);
        reject(error);
        for (const waiting of this.pending.values()) waiting.reject(error);
        this.pending.clear();
      });
      this.child.once("error", reject);
    });
    // Unhandled when nobody awaits `ready` after a failure; the awaiting caller reports it.
    this.ready.catch(() => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  call<T>(command: Command): Promise<T> {
    if (this.exited) return Promise.reject(new Error("the benchmark server is not running"));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...command, id });
    });
  }

  /** Asks the server to drop its databases and exit; kills it if it takes longer than `graceMs`. */
  async stop(graceMs = 45_000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    const timer = setTimeout(() => this.child.kill("SIGKILL"), graceMs);
    try {
      await this.call({ op: "shutdown" }).catch(() => undefined);
      if (this.child.connected) this.child.disconnect();
      await exited;
    } finally {
      clearTimeout(timer);
    }
  }

  kill(): void {
    if (!this.exited) this.child.kill("SIGKILL");
  }
}
