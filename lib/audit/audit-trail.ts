import type { AuditEvent, AuditSink } from "../model/audit-event.js";

/**
 * Hands audit events to the configured sink. An audit sink can never break a request: a sink
 * that throws or returns a rejected promise is counted in {@link failures} and otherwise ignored.
 * When no sink is configured, {@link emit} does not even build the event.
 */
export class AuditTrail {
  /** Events the sink threw on (or rejected), over this instance's life. */
  failures = 0;
  private readonly write: ((event: AuditEvent) => unknown) | undefined;

  constructor(sink: AuditSink | undefined) {
    if (typeof sink === "function") this.write = sink;
    else if (sink) this.write = (event) => sink.info(event, event.type);
  }

  get enabled(): boolean {
    return this.write !== undefined;
  }

  /** Builds (only when enabled) and delivers one event; never throws. */
  emit(build: () => AuditEvent): void {
    if (!this.write) return;
    try {
      const result = this.write(build());
      if (result !== null && typeof result === "object" && typeof (result as { then?: unknown }).then === "function") {
        (result as PromiseLike<unknown>).then(undefined, () => {
          this.failures++;
        });
      }
    } catch {
      this.failures++;
    }
  }
}
