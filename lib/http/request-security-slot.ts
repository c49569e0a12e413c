import { IncomingMessage } from "node:http";
import type { SecurityContext } from "./security-context.js";

/**
 * `req.security` as an accessor on `http.IncomingMessage.prototype`, backed by a WeakMap, instead
 * of an own property added to every request.
 *
 * Why: Express gives each request object a map (hidden class) of its own, so adding a property
 * to it builds a new map every time — about a microsecond per authenticated request, the largest
 * single cost of a cache hit. A WeakMap entry costs a fraction of that and leaves the request's
 * shape alone. Reading and writing `req.security` behave as before (also for code that sets it
 * itself); it is just no longer an enumerable own property. Installed once per process: several
 * copies of this package share one store through a global symbol.
 */
const STORE = Symbol.for("express-keyguard.request-security");

type Holder = typeof globalThis & { [STORE]?: WeakMap<object, SecurityContext | undefined> };

export function installRequestSecuritySlot(): void {
  const holder = globalThis as Holder;
  if (holder[STORE]) return;
  const existing = Object.getOwnPropertyDescriptor(IncomingMessage.prototype, "security");
  // Someone else owns the name: leave it alone (assignments then create own properties, as before).
  if (existing) return;
  const store = new WeakMap<object, SecurityContext | undefined>();
  holder[STORE] = store;
  Object.defineProperty(IncomingMessage.prototype, "security", {
    configurable: true,
    enumerable: false,
    get(this: object): SecurityContext | undefined {
      return store.get(this);
    },
    set(this: object, value: SecurityContext | undefined) {
      store.set(this, value);
    },
  });
}
