import type { Request } from "express";
import { guardKind, type GuardKind } from "./guard-registry.js";

// The parts of Express 4's and Express 5's routing tables read here. Express 4's `Layer.match`
// returns a boolean and records the matched prefix on the layer; Express 5's returns it.
interface LayerLike {
  handle?: unknown;
  path?: unknown;
  route?: RouteLike;
  match?: (path: string) => boolean | { path?: unknown };
}

interface RouteLike {
  methods?: Record<string, boolean | undefined>;
  stack?: LayerLike[];
}

interface RouterLike {
  stack?: LayerLike[];
}

/** Sub-router nesting followed at most; a deeper table is not the shape the README shows. */
const MAX_DEPTH = 8;

function handlesMethod(route: RouteLike, method: string): boolean {
  const methods = route.methods ?? {};
  const name = method.toLowerCase();
  return methods._all === true || methods[name] === true || (name === "head" && methods.get === true);
}

function matchedPrefix(layer: LayerLike, path: string): string | undefined {
  if (typeof layer.match !== "function") return undefined;
  let found: boolean | { path?: unknown };
  try {
    found = layer.match(path);
  } catch {
    // A path parameter Express cannot decode: the layer matched, which is where Express failed too.
    return "";
  }
  if (found === false) return undefined;
  const prefix = typeof found === "object" ? found.path : layer.path;
  return typeof prefix === "string" ? prefix : "";
}

/** What the walk has passed so far: a guard of this library in front of what comes next. */
interface WalkState {
  guarded: boolean;
}

/**
 * Walks `stack` as Express would for `method path`: `security` when the security router would
 * take the request, `guard` when a guard of this library (app-wide `authenticate()`, a route's
 * `requirePrivileges()`) would have run first, `unguarded` when a route of the app would answer
 * without one; `undefined` when nothing in `stack` decides.
 */
function walk(
  stack: readonly LayerLike[],
  method: string,
  path: string,
  depth: number,
  state: WalkState,
): GuardKind | "unguarded" | undefined {
  for (const layer of stack) {
    const prefix = matchedPrefix(layer, path);
    if (prefix === undefined) continue;
    if (layer.route) {
      if (!handlesMethod(layer.route, method)) continue;
      const guardedRoute = (layer.route.stack ?? []).some((inner) => guardKind(inner.handle) !== undefined);
      return guardedRoute || state.guarded ? "guard" : "unguarded";
    }
    const kind = guardKind(layer.handle);
    if (kind === "security") return kind;
    if (kind === "guard") {
      state.guarded = true;
      continue;
    }
    const nested = (layer.handle as RouterLike | undefined)?.stack;
    if (Array.isArray(nested) && depth < MAX_DEPTH) {
      const rest = path.slice(prefix.length);
      const found = walk(nested, method, rest.startsWith("/") ? rest : "/" + rest, depth + 1, state);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * Whether the app's routing table puts `req` behind this library: `security` for the security
 * router, `guard` for `authenticate()` or `requirePrivileges()`, `undefined` otherwise. Used only
 * for errors raised before those middlewares ran (a host body parser's), never on the hot path.
 */
export function findGuard(req: Request): GuardKind | undefined {
  const app = req.app as unknown as { _router?: RouterLike; router?: RouterLike } | undefined;
  if (!app) return undefined;
  // Express 4 keeps its table in `_router` (and its `router` getter throws); Express 5 in `router`.
  const root = app._router ?? app.router;
  if (!root || !Array.isArray(root.stack)) return undefined;
  const state: WalkState = { guarded: false };
  const found = walk(root.stack, req.method, req.path, 0, state) ?? (state.guarded ? "guard" : undefined);
  return found === "unguarded" ? undefined : found;
}
