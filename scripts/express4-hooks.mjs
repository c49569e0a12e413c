// Module resolution hooks for the Express 4 test run. Express is a peer dependency, so in a host
// app on Express 4 every `import "express"` resolves to 4.x: the app's and the library's own
// (lib/http/router.ts, lib/http/body-parser.ts). The hooks give both the `express4` package
// (npm:express@4.x, a devDependency) in place of `express`, from any importer.

const NAME = "express";
const REPLACEMENT = "express4";

/** @type {import("node:module").ResolveHook} */
export async function resolve(specifier, context, nextResolve) {
  if (specifier === NAME || specifier.startsWith(`${NAME}/`)) {
    return nextResolve(REPLACEMENT + specifier.slice(NAME.length), context);
  }
  return nextResolve(specifier, context);
}
