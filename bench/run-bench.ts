import { spawn, spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { FloorReport, RemoverReport, ScaleSeeded, ServerTargets, Target } from "./bench-protocol.js";
import {
  baselineOf,
  formatTable,
  type BenchNotes,
  type BenchReport,
  type ScaleReport,
  type ScenarioId,
  type ScenarioRow,
} from "./bench-report.js";
import { closeRequestAgent, timedRequest } from "./http-request.js";
import { LatencySamples, runLoad, type LoadResult } from "./load.js";
import { foreignShare, loadSnapshot } from "./machine-load.js";
import { ServerProcess } from "./server-process.js";

export interface BenchOptions {
  /** MongoDB server root (`mongodb://host:port/`). */
  uri: string;
  /** What kind of server it is, for the report (`mongod`, `ferretdb`, `external`). */
  databaseKind: string;
  /** Seconds of each measured load (per round). Default 3. */
  seconds?: number;
  /** Rounds over the throughput scenarios; ratios use the median round of each. Default 3. */
  rounds?: number;
  /** Keys in the scale run (default 200,000); 0 skips it. */
  scaleKeys?: number;
  /** Run the server under `node --cpu-prof`, writing profiles here. */
  cpuProfileDir?: string;
  /** Pin the server and the load generator to separate cores (default: when `taskset` exists). */
  pin?: boolean;
  /**
   * Run only these parts: scenario ids, plus `heap` and `scale` (e.g. to profile one scenario
   * with `cpuProfileDir`). Default: everything.
   */
  only?: string[];
  log: (message: string) => void;
}

const here = dirname(fileURLToPath(import.meta.url));
const CONNECTIONS = 10;
/** Scenarios measured in rounds, interleaved, against the baseline of the same rounds. */
type MeasuredId = ScenarioId | "floor";
/** `floor` is a diagnostic beside the table: the cheapest middleware attaching a subject. */
const THROUGHPUT: MeasuredId[] = [
  "baseline",
  "apikey",
  "basic",
  "bearer",
  "guarded",
  "apikey-nocache",
  "naive-findone",
  "baseline-minimal",
  "apikey-minimal",
  "apikey-limited",
  "floor",
];

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function ensureOk(id: string, result: LoadResult, expected = "2xx"): void {
  const total = Object.values(result.statuses).reduce((a, b) => a + b, 0);
  const wrong = total - (result.statuses[expected] ?? 0);
  if (total === 0) throw new Error(`${id}: no response at all (${result.errors} errors)`);
  if (wrong > 0) throw new Error(`${id}: ${wrong} of ${total} responses were not ${expected} (${JSON.stringify(result.statuses)})`);
}

function hasTaskset(): boolean {
  return spawnSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" }).status === 0;
}

/** Runs every scenario, the scale run and the heap probe; returns the report. */
export async function runBench(options: BenchOptions): Promise<{ report: BenchReport; notes: BenchNotes }> {
  const started = Date.now();
  const log = options.log;
  const seconds = options.seconds ?? 3;
  const rounds = options.rounds ?? 3;
  const scaleKeys = options.scaleKeys ?? 200_000;
  const cores = availableParallelism();
  const pin = (options.pin ?? true) && cores >= 2 && hasTaskset();
  let coresText: string;
  if (pin) {
    // The server (its event loop, hash workers and libuv pool) gets core 1; this process, the load
    // generator, core 0. The database server is not pinned.
    spawnSync("taskset", ["-p", "-c", "0", String(process.pid)], { stdio: "ignore" });
    coresText = `server process pinned to core 1, load generator (autocannon) to core 0, database unpinned (${cores} cores)`;
  } else {
    coresText = `server and load generator in separate processes, unpinned (${cores} cores${cores >= 2 ? ", no taskset" : ""})`;
  }
  log(`cores: ${coresText}`);

  const server = new ServerProcess({
    script: join(here, "bench-server.js"),
    env: { ...process.env, MONGODB_URI: options.uri },
    nodeArgs: ["--expose-gc", ...(options.cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfileDir] : [])],
    prefix: pin ? ["taskset", "-c", "1"] : [],
    log: (message) => log(`  [server] ${message}`),
  });
  const notes: BenchNotes = { notes: {}, serverCpuUs: {}, cores: coresText, seconds: 0 };
  try {
    log("starting the server process (express apps, security instances, users and keys)");
    const { targets, templateJson } = await server.ready;
    if (!targets.bearer) {
      notes.notes.bearer = `n/a (${targets.bearerMissing ?? "token service not present"})`;
      log(`bearer: ${notes.notes.bearer}`);
    }

    const wanted = (part: string) => !options.only || options.only.includes(part);
    const measured = await throughputScenarios(server, targets, THROUGHPUT.filter(wanted), seconds, rounds, notes, log);
    const floor = measured.find((s) => s.id === "floor");
    if (floor) notes.floor = { rps: floor.rps ?? 0, serverCpuUs: notes.serverCpuUs.floor ?? Number.NaN };
    const scenarios = measured.filter((s): s is ScenarioRow => s.id !== "floor");
    if (wanted("naive-bcrypt")) scenarios.push(await naiveBcrypt(targets, log));
    if (wanted("ping-under-hash-load")) scenarios.push(await pingUnderHashLoad(targets, log));
    const order: ScenarioId[] = [
      "baseline",
      "apikey",
      "basic",
      "bearer",
      "apikey-nocache",
      "guarded",
      "naive-bcrypt",
      "naive-findone",
      "ping-under-hash-load",
      "baseline-minimal",
      "apikey-minimal",
      "apikey-limited",
    ];
    const rows = order.map((id) => {
      const row = scenarios.find((s) => s.id === id) ?? { id, rps: null, p50_ms: null, p99_ms: null, ratio: null };
      const baseline = scenarios.find((s) => s.id === baselineOf(id));
      if (id !== "ping-under-hash-load" && row.rps !== null && baseline?.rps) row.ratio = round(row.rps / baseline.rps, 3);
      return row;
    });

    const heap = wanted("heap") ? await heapProbe(templateJson, log) : null;
    const scale = scaleKeys > 0 && wanted("scale") ? await scaleRun(server, targets, scaleKeys, options.databaseKind, log) : {};
    notes.seconds = (Date.now() - started) / 1000;
    return { report: { scenarios: rows, scale, heap_mb_25k_keys: heap }, notes };
  } finally {
    closeRequestAgent();
    log("stopping the server process (dropping the benchmark databases)");
    await server.stop().catch(() => server.kill());
  }
}

interface Accumulated {
  rps: number[];
  latencies: LatencySamples;
  /** Server CPU per request of each round; the smallest is the least disturbed by other processes. */
  cpuUsPerRequest: number[];
}

async function throughputScenarios(
  server: ServerProcess,
  targets: ServerTargets,
  ids: MeasuredId[],
  seconds: number,
  rounds: number,
  notes: BenchNotes,
  log: (m: string) => void,
): Promise<Array<Omit<ScenarioRow, "id"> & { id: MeasuredId }>> {
  const runnable = ids.filter((id) => targets[id as keyof ServerTargets] !== undefined);
  if (runnable.length === 0) return [];
  const acc = new Map<MeasuredId, Accumulated>(
    runnable.map((id) => [id, { rps: [], latencies: new LatencySamples(), cpuUsPerRequest: [] }]),
  );
  log(`throughput: ${runnable.length} scenarios × ${rounds} rounds × ${seconds} s, ${CONNECTIONS} connections`);
  const foreignShares: number[] = [];
  for (let r = 0; r < rounds; r++) {
    // Each round starts one scenario later, so no scenario always follows the same one (and
    // inherits, say, the garbage collection the previous one left due).
    const order = runnable.map((_, i) => runnable[(i + r) % runnable.length] as MeasuredId);
    for (const id of order) {
      const target = targets[id as keyof ServerTargets] as Target;
      // Start each scenario from a collected heap, then warm up (JIT, caches, connection
      // pools); both discarded.
      await server.call({ op: "gc" });
      ensureOk(id, await runLoad({ ...target, connections: CONNECTIONS, seconds: r === 0 ? 1.5 : 0.5 }));
      const cpuBefore = await server.call<number>({ op: "cpu" });
      const loadBefore = loadSnapshot();
      const result = await runLoad({ ...target, connections: CONNECTIONS, seconds });
      const foreign = foreignShare(loadBefore, loadSnapshot());
      const cpuUs = (await server.call<number>({ op: "cpu" })) - cpuBefore;
      if (foreign !== undefined) foreignShares.push(foreign);
      ensureOk(id, result);
      const entry = acc.get(id) as Accumulated;
      entry.rps.push(result.rps);
      entry.latencies.merge(result.latencies);
      entry.cpuUsPerRequest.push(cpuUs / result.latencies.size);
      log(
        `  round ${r + 1} ${id.padEnd(14)} ${Math.round(result.rps).toLocaleString("en-US").padStart(7)} req/s  p50 ${result.latencies.percentile(50).toFixed(2)} ms` +
          `  p99 ${result.latencies.percentile(99).toFixed(2)} ms  server ${(cpuUs / result.latencies.size).toFixed(1)} µs/req` +
          (foreign === undefined ? "" : `  other processes ${(foreign * 100).toFixed(0)}% of the machine`),
      );
    }
  }
  if (foreignShares.length > 0) notes.foreignShare = Math.max(...foreignShares);
  return runnable.map((id) => {
    const entry = acc.get(id) as Accumulated;
    // The median round: one round disturbed by something else on the machine does not count.
    const sorted = [...entry.rps].sort((a, b) => a - b);
    const middle = sorted.length / 2;
    const rps =
      sorted.length % 2 === 1 ? (sorted[Math.floor(middle)] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
    notes.serverCpuUs[id] = Math.min(...entry.cpuUsPerRequest);
    return {
      id,
      rps: round(rps, 0),
      p50_ms: round(entry.latencies.percentile(50), 3),
      p99_ms: round(entry.latencies.percentile(99), 3),
      ratio: null,
    };
  });
}

async function naiveBcrypt(targets: ServerTargets, log: (m: string) => void): Promise<ScenarioRow> {
  log("naive-bcrypt: findOne + bcryptjs.compare (cost 10) per request, on the event loop");
  const target = targets["naive-bcrypt"];
  const result = await runLoad({ ...target, connections: CONNECTIONS, seconds: 4, maxRequests: 2000 });
  ensureOk("naive-bcrypt", result);
  log(`  naive-bcrypt ${result.rps.toFixed(1)} req/s  p99 ${result.latencies.percentile(99).toFixed(0)} ms`);
  // Requests still queued behind bcrypt on the server finish before the next scenario.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  return {
    id: "naive-bcrypt",
    rps: round(result.rps, 1),
    p50_ms: round(result.latencies.percentile(50), 3),
    p99_ms: round(result.latencies.percentile(99), 3),
    ratio: null,
  };
}

async function pingUnderHashLoad(targets: ServerTargets, log: (m: string) => void): Promise<ScenarioRow> {
  log("ping-under-hash-load: /ping p99 while 50 bad-password Basic and 50 cache-miss PBKDF2 key requests run");
  const loadSeconds = 8;
  const bad = runLoad({ ...targets.badPassword, connections: 50, seconds: loadSeconds, maxRequests: 100_000 });
  const miss = runLoad({ ...targets.keyCacheMiss, connections: 50, seconds: loadSeconds, maxRequests: 100_000 });
  // Let the hash queues fill before probing.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const ping = await runLoad({ ...targets.ping, connections: 1, seconds: loadSeconds - 2.5, rate: 200, maxRequests: 5000 });
  const [badResult, missResult] = await Promise.all([bad, miss]);
  ensureOk("ping", ping);
  ensureOk("bad-password load", badResult, "4xx");
  ensureOk("cache-miss load", missResult);
  log(
    `  /ping p50 ${ping.latencies.percentile(50).toFixed(2)} ms p99 ${ping.latencies.percentile(99).toFixed(2)} ms (${ping.latencies.size} probes); ` +
      `meanwhile ${badResult.rps.toFixed(0)} bad passwords/s (401), ${missResult.rps.toFixed(0)} cache-miss key auths/s`,
  );
  // Let queued hashes drain before anything else is measured.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return {
    id: "ping-under-hash-load",
    rps: round(ping.rps, 0),
    p50_ms: round(ping.latencies.percentile(50), 3),
    p99_ms: round(ping.latencies.percentile(99), 3),
    ratio: null,
  };
}

async function heapProbe(templateJson: string, log: (m: string) => void): Promise<number | null> {
  log("heap: 25,000 keys through the API-key authenticator into its cache (separate process)");
  const child = spawn(process.execPath, ["--expose-gc", join(here, "heap-probe.js"), "25000"], { stdio: ["pipe", "pipe", "inherit"] });
  child.stdin.end(templateJson);
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  if (code !== 0) {
    log(`  heap probe failed (exit ${code})`);
    return null;
  }
  const result = JSON.parse(out.trim()) as { heapMb: number; bytesPerKey: number };
  log(`  ${result.heapMb.toFixed(1)} MB (${result.bytesPerKey} bytes per key)`);
  return round(result.heapMb, 1);
}

async function scaleRun(
  server: ServerProcess,
  targets: ServerTargets,
  keys: number,
  databaseKind: string,
  log: (m: string) => void,
): Promise<ScaleReport> {
  const expired = Math.floor(keys / 2);
  log(`scale: bulk-inserting ${keys.toLocaleString("en-US")} pre-hashed keys (${expired.toLocaleString("en-US")} expired 30 days ago)`);
  const seeded = await server.call<ScaleSeeded>({ op: "seed-scale", keys, expired, coldKeys: 300 });

  log("scale: cold-key authentication, one never-used key per request (at most 200 requests or 15 s)");
  const cold = new LatencySamples();
  const coldDeadline = Date.now() + 15_000;
  // Shuffled: the keys are spread over the collection, and a time bound must not cut the sample
  // down to the keys inserted first.
  const coldOrder = seeded.coldKeys.slice(0, 200);
  for (let i = coldOrder.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [coldOrder[i], coldOrder[j]] = [coldOrder[j] as string, coldOrder[i] as string];
  }
  for (const encoded of coldOrder) {
    if (Date.now() > coldDeadline) break;
    const res = await timedRequest(seeded.authUrl, { headers: { authorization: `ApiKey ${encoded}` }, timeoutMs: 30_000 });
    if (res.status !== 200) throw new Error(`cold-key authentication answered ${res.status}: ${res.body.slice(0, 200)}`);
    cold.add(res.ms);
  }
  log(`  p50 ${cold.percentile(50).toFixed(2)} ms  p99 ${cold.percentile(99).toFixed(2)} ms over ${cold.size} keys`);
  const floor = await server.call<FloorReport>({ op: "db-floor", samples: 5, queryUsername: seeded.queryUsername, queryBoundMs: 8_000 });
  const median = (values: number[]) => {
    const samples = new LatencySamples();
    for (const value of values) samples.add(value);
    return samples.percentile(50);
  };
  const floorMs = { driver: median(floor.findByIdMs), store: median(floor.storeGetMs), authenticate: median(floor.authenticateMs) };
  log(
    `  where it goes (medians of ${floor.findByIdMs.length}): driver findOne by _id ${floorMs.driver.toFixed(2)} ms, ` +
      `API-key store read ${floorMs.store.toFixed(2)} ms, whole authentication in-process ${floorMs.authenticate.toFixed(2)} ms`,
  );
  const rawQuery =
    floor.queryMs === null ? `> ${floor.queryBoundMs / 1000} s (no answer within the bound)` : `${floor.queryMs.toFixed(1)} ms`;
  log(`  the scale query's page with the driver alone (find on creator.principal, sort creation_time, limit 100): ${rawQuery}`);

  const queryBoundMs = 30_000;
  log(
    `scale: _query/api_key, term on username ${seeded.queryUsername} + sort on creation + size 100 (at most 3 runs or ${queryBoundMs / 1000} s)`,
  );
  const body = JSON.stringify({ query: { term: { username: seeded.queryUsername } }, sort: [{ creation: "desc" }], size: 100 });
  const query = new LatencySamples();
  let hits: number | null = null;
  let queryTimedOut = false;
  const queryDeadline = Date.now() + queryBoundMs;
  for (let i = 0; i < 3 && Date.now() < queryDeadline; i++) {
    const started = Date.now();
    let res;
    try {
      res = await timedRequest(seeded.queryUrl, {
        method: "POST",
        headers: { authorization: seeded.adminAuthorization },
        body,
        timeoutMs: Math.max(1000, queryDeadline - started),
      });
    } catch (error) {
      // Bounded: a query slower than what is left of the budget counts as "at least that long".
      queryTimedOut = true;
      query.add(Date.now() - started);
      log(
        `  run ${i + 1}: no answer after ${((Date.now() - started) / 1000).toFixed(1)} s (${error instanceof Error ? error.message : String(error)}); stopped`,
      );
      break;
    }
    if (res.status === 503) {
      // The library's own store deadline (`storeTimeout`) answered: the query took at least that.
      queryTimedOut = true;
      query.add(res.ms);
      log(`  run ${i + 1}: 503 after ${(res.ms / 1000).toFixed(1)} s (the storeTimeout deadline: the database had not answered); stopped`);
      break;
    }
    if (res.status !== 200) throw new Error(`_query/api_key answered ${res.status}: ${res.body.slice(0, 300)}`);
    const parsed = JSON.parse(res.body) as { total: number; count: number };
    if (parsed.count !== 100) throw new Error(`_query/api_key returned ${parsed.count} keys, expected 100`);
    hits = parsed.total;
    query.add(res.ms);
    log(`  run ${i + 1}: ${res.ms.toFixed(1)} ms (${parsed.total} hits)`);
  }

  const removerBound = 30;
  // A database that needs longer than the bound for one batch (FerretDB evaluates the delete's
  // filter over the whole collection) gets up to this long to show that batches do complete.
  const firstBatchBound = 60;
  log(
    `scale: the remover deletes the ${expired.toLocaleString("en-US")} expired keys while scenario 2 (apikey) runs` +
      ` (at most ${removerBound} s, or ${firstBatchBound} s while its first batch is still running)`,
  );
  await server.call({ op: "remover-start" });
  const removerLoadBefore = loadSnapshot();
  const during = new LatencySamples();
  let requests = 0;
  let loadSeconds = 0;
  let status: RemoverReport = { deleted: 0, seconds: 0, finished: false, loopDelayP99Ms: null, loopDelayMaxMs: null };
  const removerDeadline = Date.now() + removerBound * 1000;
  const firstBatchDeadline = Date.now() + firstBatchBound * 1000;
  while (Date.now() < removerDeadline || (status.deleted === 0 && Date.now() < firstBatchDeadline)) {
    const result = await runLoad({ ...targets.apikey, connections: CONNECTIONS, seconds: 2 });
    ensureOk("apikey during remover", result);
    during.merge(result.latencies);
    requests += result.latencies.size;
    loadSeconds += result.seconds;
    status = await server.call<RemoverReport>({ op: "remover-status" });
    log(
      `  ${status.deleted.toLocaleString("en-US")} deleted after ${status.seconds.toFixed(1)} s; apikey p99 so far ${during.percentile(99).toFixed(2)} ms;` +
        ` server event-loop delay p99 ${status.loopDelayP99Ms?.toFixed(1) ?? "n/a"} ms`,
    );
    if (status.error) throw new Error(`the remover failed: ${status.error}`);
    if (status.finished) break;
  }
  const removerForeign = foreignShare(removerLoadBefore, loadSnapshot());
  if (removerForeign !== undefined) log(`  other processes took ${(removerForeign * 100).toFixed(0)}% of the machine meanwhile`);
  if (!status.finished) {
    log("  time bound reached: stopping the remover after its current batch (waiting at most 10 s for it)");
    const stopped = await server.call<boolean>({ op: "remover-stop", waitMs: 10_000 });
    status = await server.call<RemoverReport>({ op: "remover-status" });
    if (!stopped) log(`  a batch is still running on the database; ${status.deleted.toLocaleString("en-US")} deleted so far`);
  }

  return {
    database: databaseKind,
    keys,
    expired_keys: expired,
    seed_seconds: round(seeded.seconds, 1),
    cold_auth_p50_ms: finite(round(cold.percentile(50), 3)),
    cold_auth_p99_ms: finite(round(cold.percentile(99), 3)),
    cold_auth_samples: cold.size,
    db_find_by_id_p50_ms: finite(round(floorMs.driver, 3)),
    store_get_p50_ms: finite(round(floorMs.store, 3)),
    authenticate_in_process_p50_ms: finite(round(floorMs.authenticate, 3)),
    query_p50_ms: finite(round(query.percentile(50), 1)),
    query_max_ms: finite(round(query.percentile(100), 1)),
    query_samples: query.size,
    query_hits: hits,
    query_timed_out: queryTimedOut,
    db_query_ms: floor.queryMs === null ? null : round(floor.queryMs, 1),
    db_query_bound_ms: floor.queryBoundMs,
    remover_deleted: status.deleted,
    remover_seconds: round(status.seconds, 1),
    remover_finished: status.finished,
    apikey_p99_ms_during_remover: finite(round(during.percentile(99), 3)),
    apikey_rps_during_remover: loadSeconds > 0 ? round(requests / loadSeconds, 0) : null,
    loop_delay_p99_ms_during_remover: status.loopDelayP99Ms === null ? null : round(status.loopDelayP99Ms, 2),
    loop_delay_max_ms_during_remover: status.loopDelayMaxMs === null ? null : round(status.loopDelayMaxMs, 2),
    other_processes_share_during_remover: removerForeign === undefined ? null : round(removerForeign, 2),
  };
}

export { formatTable };
