import type { Router } from "express";

/** What Express exposes of a route on a router's stack, in Express 4 and 5 alike. */
interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
}

interface RouteShape {
  segments: string[];
  methods: string[];
}

/** The order methods are listed in (Elasticsearch lists a set; a fixed order keeps answers stable). */
const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"];

/**
 * The methods `router`'s routes answer for a path, to tell "wrong method" (405) from "no such
 * path" (400) as Elasticsearch does. The table is read from the router's stack on first use, when
 * every route is registered; only string paths of literal and `:param` segments take part, which
 * is every route of the security API.
 */
export function allowedMethodsOf(router: Router): (path: string) => string[] {
  let shapes: RouteShape[] | undefined;
  return (path) => {
    shapes ??= readShapes(router);
    const segments = splitPath(path);
    const allowed = new Set<string>();
    for (const shape of shapes) {
      if (matches(shape.segments, segments)) for (const method of shape.methods) allowed.add(method);
    }
    return METHOD_ORDER.filter((method) => allowed.has(method)).concat([...allowed].filter((m) => !METHOD_ORDER.includes(m)).sort());
  };
}

function readShapes(router: Router): RouteShape[] {
  const shapes: RouteShape[] = [];
  for (const layer of router.stack as RouteLayer[]) {
    const path = layer.route?.path;
    const methods = layer.route?.methods;
    if (typeof path !== "string" || !methods) continue;
    const names = Object.keys(methods)
      .filter((name) => methods[name] === true && name !== "_all")
      .map((name) => name.toUpperCase());
    shapes.push({ segments: splitPath(path), methods: names });
  }
  return shapes;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((segment) => segment !== "");
}

function matches(pattern: string[], segments: string[]): boolean {
  if (pattern.length !== segments.length) return false;
  return pattern.every((part, i) => part.startsWith(":") || part === segments[i]);
}
