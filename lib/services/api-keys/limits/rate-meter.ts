/**
 * Requests per second one instance sees for one key: an average over whole seconds, updated as
 * they pass (no timer). Used to size lease blocks to about one second of traffic.
 */
export class RateMeter {
  private second = 0;
  private inSecond = 0;
  private perSecond = 0;

  add(cost: number, now: number): void {
    const second = Math.floor(now / 1000);
    if (second !== this.second) this.roll(second);
    this.inSecond += cost;
  }

  /** The estimated rate, in cost units per second. */
  rate(now: number): number {
    const second = Math.floor(now / 1000);
    if (second !== this.second) this.roll(second);
    return Math.max(this.perSecond, this.inSecond);
  }

  private roll(second: number): void {
    // Seconds without traffic count as zeros: the estimate halves per idle second.
    const idle = Math.min(30, second - this.second - 1);
    this.perSecond = (this.perSecond + this.inSecond) / 2 / 2 ** Math.max(0, idle);
    this.second = second;
    this.inSecond = 0;
  }
}

/** A block of about one second of traffic, at least `min`, at most `max`. */
export function blockSize(meter: RateMeter, now: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, Math.ceil(meter.rate(now))));
}
