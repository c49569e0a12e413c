/** The benchmark's results, as `--json` prints them and as the table shows them. */

export type ScenarioId =
  | "baseline"
  | "apikey"
  | "basic"
  | "bearer"
  | "apikey-nocache"
  | "guarded"
  | "baseline-minimal"
  | "apikey-minimal"
  | "apikey-limited"
  | "naive-bcrypt"
  | "naive-findone"
  | "ping-under-hash-load";

export interface ScenarioRow {
  id: ScenarioId;
  /** `null` when the scenario could not run (see `note`). */
  rps: number | null;
  p50_ms: number | null;
  p99_ms: number | null;
  ratio: number | null;
}

export interface ScaleReport {
  database: string;
  keys: number;
  expired_keys: number;
  seed_seconds: number;
  cold_auth_p50_ms: number | null;
  cold_auth_p99_ms: number | null;
  cold_auth_samples: number;
  /** The database alone: `findOne({_id})` with the driver on the same collection. */
  db_find_by_id_p50_ms: number | null;
  /** The API-key store's read of one key (mongoose). */
  store_get_p50_ms: number | null;
  /** A whole cold `ApiKey` authentication in-process, without HTTP. */
  authenticate_in_process_p50_ms: number | null;
  query_p50_ms: number | null;
  query_max_ms: number | null;
  query_samples: number;
  query_hits: number | null;
  /** A query outlived the time bound; `query_max_ms` is then a lower bound. */
  query_timed_out: boolean;
  /** The query's page read with the driver alone (no library); `null`: not within `db_query_bound_ms`. */
  db_query_ms: number | null;
  db_query_bound_ms: number;
  remover_deleted: number;
  remover_seconds: number;
  remover_finished: boolean;
  apikey_p99_ms_during_remover: number | null;
  apikey_rps_during_remover: number | null;
  /** The server's event-loop delay while the remover ran: its own share of any latency. */
  loop_delay_p99_ms_during_remover: number | null;
  loop_delay_max_ms_during_remover: number | null;
  /** Share of the machine (0–1) other processes took meanwhile: above a few % the p99 is theirs too. */
  other_processes_share_during_remover: number | null;
}

export interface BenchReport {
  scenarios: ScenarioRow[];
  scale: ScaleReport | Record<string, never>;
  heap_mb_25k_keys: number | null;
}

/** Extra facts shown in the table but kept out of `--json` (which has exactly the issue's shape). */
export interface BenchNotes {
  notes: Partial<Record<ScenarioId, string>>;
  /**
   * CPU time the server process spent per request (all threads), in microseconds, the smallest of
   * the rounds: it moves much less than req/s when other processes take CPU from the benchmark.
   */
  serverCpuUs: Partial<Record<ScenarioId | "floor", number>>;
  /** The diagnostic `floor` app: a middleware that only attaches a fixed subject to the request. */
  floor?: { rps: number; serverCpuUs: number };
  /** The largest share of the machine other processes took during one throughput measurement. */
  foreignShare?: number;
  cores: string;
  seconds: number;
}

/**
 * The row a scenario is compared with: the bare app with the same JSON parser (`baseline`), or,
 * for the smallest mount (`apikey-minimal`, no parser), the bare app without one.
 */
export function baselineOf(id: ScenarioId): ScenarioId {
  return id === "apikey-minimal" ? "baseline-minimal" : "baseline";
}

interface Target {
  test: (row: ScenarioRow, baseline: ScenarioRow | undefined) => boolean | undefined;
  text: string;
}

const addedP99 = (row: ScenarioRow, baseline: ScenarioRow | undefined) =>
  row.p99_ms !== null && baseline?.p99_ms != null ? row.p99_ms - baseline.p99_ms : undefined;

const ratioAtLeast = (min: number, withLatency: boolean): Target => ({
  text: withLatency ? `≥ ${min.toFixed(2)}, p99 +≤ 0.5 ms` : `≥ ${min.toFixed(2)}`,
  test: (row, baseline) => {
    if (row.ratio === null) return undefined;
    const added = addedP99(row, baseline);
    return row.ratio >= min && (!withLatency || (added !== undefined && added <= 0.5));
  },
});

export const TARGETS: Partial<Record<ScenarioId, Target>> = {
  apikey: ratioAtLeast(0.93, true),
  basic: ratioAtLeast(0.93, true),
  bearer: ratioAtLeast(0.93, true),
  guarded: ratioAtLeast(0.9, true),
  "apikey-minimal": ratioAtLeast(0.93, true),
  "apikey-limited": ratioAtLeast(0.85, false),
  "apikey-nocache": ratioAtLeast(0.4, false),
  "ping-under-hash-load": { text: "p99 < 25 ms", test: (row) => (row.p99_ms === null ? undefined : row.p99_ms < 25) },
};

function fixed(value: number | null | undefined, digits: number): string {
  return value === null || value === undefined || Number.isNaN(value) ? "n/a" : value.toFixed(digits);
}

function count(value: number | null | undefined): string {
  return value === null || value === undefined ? "n/a" : Math.round(value).toLocaleString("en-US");
}

function verdict(ok: boolean | undefined): string {
  return ok === undefined ? "" : ok ? "met" : "MISSED";
}

/** The human-readable report. */
export function formatTable(report: BenchReport, extra: BenchNotes): string {
  const baseline = report.scenarios.find((s) => s.id === "baseline");
  const baselineFor = (id: ScenarioId) => report.scenarios.find((s) => s.id === baselineOf(id));
  const lines: string[] = [];
  const header = ["scenario", "req/s", "p50 ms", "p99 ms", "ratio", "+p99 ms", "srv µs/req", "target", ""];
  const rows = report.scenarios.map((row) => {
    const target = TARGETS[row.id];
    const added = row.id === "baseline" || row.id === "ping-under-hash-load" ? undefined : addedP99(row, baselineFor(row.id));
    const note = extra.notes[row.id];
    return [
      row.id,
      count(row.rps),
      fixed(row.p50_ms, 2),
      fixed(row.p99_ms, 2),
      fixed(row.ratio, 3),
      added === undefined ? "" : (added >= 0 ? "+" : "") + added.toFixed(2),
      extra.serverCpuUs[row.id] === undefined ? "" : (extra.serverCpuUs[row.id] as number).toFixed(1),
      target?.text ?? "",
      (verdict(target?.test(row, baselineFor(row.id))) + (note ? ` ${note}` : "")).trim(),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 || i >= 7 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join("  ")
      .trimEnd();
  lines.push(render(header), render(widths.map((w) => "-".repeat(w))));
  for (const row of rows) lines.push(render(row));
  lines.push(
    "(the apps mount what the README shows: express.json(), authenticate(), router(), the route, errorHandler(); baseline is bare Express with the same" +
      " express.json(); apikey-minimal mounts only authenticate() and the route, against baseline-minimal, bare Express without a parser)",
  );

  if (extra.floor && baseline?.rps) {
    lines.push(
      `(floor: a middleware that only attaches a fixed subject to req: ${count(extra.floor.rps)} req/s, ratio ${(extra.floor.rps / baseline.rps).toFixed(3)},` +
        ` ${extra.floor.serverCpuUs.toFixed(1)} srv µs/req — what any authenticating middleware costs before checking anything)`,
    );
  }
  const scale = report.scale as Partial<ScaleReport>;
  lines.push("");
  if (scale.keys !== undefined) {
    const mark = (ok: boolean | undefined) => (ok === undefined ? "" : ok ? " (met)" : " (MISSED)");
    lines.push(
      `scale (${count(scale.keys)} keys, ${count(scale.expired_keys)} expired, on ${scale.database}; seeded in ${fixed(scale.seed_seconds, 1)} s):`,
    );
    lines.push(
      `  cold-key authentication  p50 ${fixed(scale.cold_auth_p50_ms, 2)} ms, p99 ${fixed(scale.cold_auth_p99_ms, 2)} ms over ${scale.cold_auth_samples} keys` +
        `; target p99 < 5 ms${mark(scale.cold_auth_p99_ms == null ? undefined : scale.cold_auth_p99_ms < 5)}` +
        ` [medians: driver findOne by _id ${fixed(scale.db_find_by_id_p50_ms, 2)} ms, store read ${fixed(scale.store_get_p50_ms, 2)} ms,` +
        ` in-process authentication ${fixed(scale.authenticate_in_process_p50_ms, 2)} ms]`,
    );
    lines.push(
      `  _query/api_key (term username, sort creation, size 100)  p50 ${fixed(scale.query_p50_ms, 1)} ms, max ${scale.query_timed_out ? "> " : ""}${fixed(scale.query_max_ms, 1)} ms over ${scale.query_samples} runs` +
        `, ${scale.query_hits ?? "n/a"} hits; target < 250 ms${mark(scale.query_max_ms == null ? undefined : scale.query_max_ms < 250)}` +
        ` [the page's find with the driver alone: ${scale.db_query_ms == null ? `> ${fixed((scale.db_query_bound_ms ?? 0) / 1000, 0)} s` : `${fixed(scale.db_query_ms, 1)} ms`}]`,
    );
    lines.push(
      `  remover  deleted ${count(scale.remover_deleted)} of ${count(scale.expired_keys)} expired keys in ${fixed(scale.remover_seconds, 1)} s` +
        `${scale.remover_finished ? "" : " (stopped at the time bound)"}; apikey meanwhile ${count(scale.apikey_rps_during_remover)} req/s,` +
        ` p99 ${fixed(scale.apikey_p99_ms_during_remover, 2)} ms; target p99 ≤ 10 ms` +
        mark(scale.apikey_p99_ms_during_remover == null ? undefined : scale.apikey_p99_ms_during_remover <= 10) +
        ` [server event-loop delay meanwhile: p99 ${fixed(scale.loop_delay_p99_ms_during_remover, 1)} ms, max ${fixed(scale.loop_delay_max_ms_during_remover, 1)} ms;` +
        ` other processes: ${scale.other_processes_share_during_remover == null ? "n/a" : `${Math.round(scale.other_processes_share_during_remover * 100)}%`} of the machine]`,
    );
  } else {
    lines.push("scale: not run");
  }
  lines.push(
    `heap of 25,000 cached API keys: ${fixed(report.heap_mb_25k_keys, 1)} MB; target < 50 MB` +
      (report.heap_mb_25k_keys === null ? "" : report.heap_mb_25k_keys < 50 ? " (met)" : " (MISSED)"),
  );
  lines.push(`cores: ${extra.cores}; whole run ${extra.seconds.toFixed(0)} s`);
  if (extra.foreignShare !== undefined) {
    const share = Math.round(extra.foreignShare * 100);
    lines.push(
      share > 5
        ? `WARNING: other processes took up to ${share}% of the machine during a throughput measurement; req/s, p99 and ratios are not trustworthy (srv µs/req is less affected). Re-run on an idle machine.`
        : `other processes took at most ${share}% of the machine during the throughput measurements`,
    );
  }
  return lines.join("\n");
}
