/**
 * What a middleware made by this library means for the routes behind it: `security` answers the
 * `/_security` API, `guard` refuses unauthenticated or unprivileged requests.
 */
export type GuardKind = "security" | "guard";

// Keyed by the function the host mounted, so the error handler can recognise it in the app's
// routing table without the host telling it which routes are protected.
const kinds = new WeakMap<object, GuardKind>();

/** Records what `handler` is; returns it for chaining. */
export function markGuard<T extends object>(handler: T, kind: GuardKind): T {
  kinds.set(handler, kind);
  return handler;
}

/** What `handler` is, when this library made it. */
export function guardKind(handler: unknown): GuardKind | undefined {
  return typeof handler === "function" ? kinds.get(handler) : undefined;
}
