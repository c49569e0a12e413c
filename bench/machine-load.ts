import { readdirSync, readFileSync } from "node:fs";

/**
 * How much of the machine processes other than the benchmark's own took during a stretch of time
 * (Linux `/proc`). A benchmark sharing 2 cores with a compiler or a test suite measures that
 * contention, not the code: the report says so instead of printing such figures as if clean.
 */
export interface LoadSnapshot {
  at: number;
  /** Cores of the machine (not this process's affinity: the benchmark pins itself to one). */
  cores: number;
  /** Busy CPU time of the whole machine, ms. */
  machineBusyMs: number;
  /** CPU time of this process and every descendant (server, database), ms. */
  ownMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on Linux

function machineBusy(): { busyMs: number; cores: number } {
  const lines = readFileSync("/proc/stat", "utf8").split("\n");
  const line = lines[0] ?? "";
  const [, ...fields] = line.trim().split(/\s+/);
  const values = fields.map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busyMs: (total - idle) * TICK_MS, cores: lines.filter((l) => /^cpu\d+ /.test(l)).length };
}

function processTreeMs(root: number): number {
  const children = new Map<number, number[]>();
  const cpu = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    // The command name may contain spaces and parentheses; fields resume after the last ")".
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry);
    const ppid = Number(rest[1]);
    cpu.set(pid, (Number(rest[11]) + Number(rest[12])) * TICK_MS);
    const siblings = children.get(ppid) ?? [];
    siblings.push(pid);
    children.set(ppid, siblings);
  }
  let total = 0;
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    total += cpu.get(pid) ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** `undefined` where `/proc` is not readable (not Linux). */
export function loadSnapshot(): LoadSnapshot | undefined {
  try {
    const { busyMs, cores } = machineBusy();
    return { at: Date.now(), cores, machineBusyMs: busyMs, ownMs: processTreeMs(process.pid) };
  } catch {
    return undefined;
  }
}

/** Share of the machine (0–1, all cores) other processes used between two snapshots. */
export function foreignShare(from: LoadSnapshot | undefined, to: LoadSnapshot | undefined): number | undefined {
  if (!from || !to || to.at <= from.at) return undefined;
  const foreign = to.machineBusyMs - from.machineBusyMs - (to.ownMs - from.ownMs);
  return Math.max(0, Math.min(1, foreign / ((to.at - from.at) * Math.max(1, to.cores))));
}
