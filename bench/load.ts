import autocannon from "autocannon";

/** One bounded load run against a loopback URL. */
export interface LoadOptions {
  url: string;
  headers?: Record<string, string>;
  method?: string;
  body?: string;
  connections: number;
  /** Seconds; the run always stops by then. */
  seconds: number;
  /** Requests at most (the run stops at whichever bound comes first). */
  maxRequests?: number;
  /** Requests per second over all connections; unset = as fast as the server answers. */
  rate?: number;
}

/** Latencies of the responses of one or more runs, in milliseconds (sub-millisecond precision). */
export class LatencySamples {
  private values = new Float64Array(1 << 16);
  private count = 0;
  private sorted: Float64Array | undefined;

  add(ms: number): void {
    if (this.count === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.count++] = ms;
    this.sorted = undefined;
  }

  merge(other: LatencySamples): void {
    for (let i = 0; i < other.count; i++) this.add(other.values[i] as number);
  }

  get size(): number {
    return this.count;
  }

  /** The `p`-th percentile (0–100), nearest-rank; `NaN` without samples. */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    this.sorted ??= this.values.slice(0, this.count).sort();
    const rank = Math.min(this.count - 1, Math.max(0, Math.ceil((p / 100) * this.count) - 1));
    return this.sorted[rank] as number;
  }
}

export interface LoadResult {
  /** Responses per second over the whole run (any status). */
  rps: number;
  /** Responses by status class, e.g. `{ "2xx": 41000 }`. */
  statuses: Record<string, number>;
  errors: number;
  seconds: number;
  latencies: LatencySamples;
}

/**
 * Runs autocannon in this process against `url` and records every response's latency itself:
 * autocannon's own histogram keeps whole milliseconds, too coarse for sub-millisecond targets.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies = new LatencySamples();
  const statuses: Record<string, number> = {};
  let errors = 0;
  const started = process.hrtime.bigint();
  const instance = autocannon({
    url: options.url,
    method: options.method ?? "GET",
    headers: options.headers ?? {},
    ...(options.body !== undefined ? { body: options.body } : {}),
    connections: options.connections,
    duration: options.seconds,
    timeout: Math.max(2, Math.ceil(options.seconds)),
    maxOverallRequests: options.maxRequests ?? 2_000_000,
    ...(options.rate !== undefined ? { overallRate: options.rate } : {}),
  });
  instance.on("response", (_client, statusCode, _bytes, responseTime) => {
    latencies.add(responseTime);
    const group = `${Math.floor(statusCode / 100)}xx`;
    statuses[group] = (statuses[group] ?? 0) + 1;
  });
  instance.on("reqError", () => {
    errors++;
  });
  // A stuck server must not hold the benchmark: autocannon's own timer plus a hard backstop.
  const backstop = setTimeout(() => instance.stop(), (options.seconds + 5) * 1000);
  try {
    await instance;
  } finally {
    clearTimeout(backstop);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { rps: latencies.size / seconds, statuses, errors, seconds, latencies };
}
