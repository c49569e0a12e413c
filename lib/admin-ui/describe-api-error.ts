/**
 * One sentence for a failed `/_security` call: Elasticsearch's `reason`, followed by the reasons
 * of its `caused_by` chain that add something.
 */
export function describeApiError(status: number, body: unknown, retryAfter: string | null): string {
  if (status === 429) {
    return "Too many failed attempts from this address. " + (retryAfter ? "Try again in " + retryAfter + " seconds." : "Try again later.");
  }
  const error = isRecord(body) ? body.error : undefined;
  let text = "";
  if (isRecord(error)) {
    text = typeof error.reason === "string" ? error.reason : typeof error.type === "string" ? error.type : "";
    let cause = error.caused_by;
    // Bounded: the chain comes from the network.
    for (let depth = 0; isRecord(cause) && depth < 5; depth++) {
      if (typeof cause.reason === "string" && !text.includes(cause.reason)) text += ": " + cause.reason;
      cause = cause.caused_by;
    }
  } else if (typeof error === "string") {
    text = error;
  }
  return text || "The server answered with status " + status + ".";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}
