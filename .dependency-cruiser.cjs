// Layer rules (DESIGN.md §7): imports only point down the stack, no cycles, and the database
// and Express stay in the layers that own them. `npm run lint:layers` checks them.
/** Bottom first: a folder may import its own layer and the ones listed before it. */
const LAYERS = ["model", "support", "audit", "store", "query", "authz", "authc", "services", "http", "config"];
/** Above every layer: the wiring, the public types (lib/security.ts, lib/api/) and the entry points. */
const TOP = "^lib/(create-security|security-core|security|index)\\.ts$|^lib/cli/|^lib/api/";

const upward = LAYERS.map((layer, i) => ({
  name: `no-upward-from-${layer}`,
  comment: `lib/${layer}/ sits below ${LAYERS.slice(i + 1).join(", ")} and the wiring; it must not import them.`,
  severity: "error",
  from: { path: `^lib/${layer}/` },
  to: { path: [...LAYERS.slice(i + 1).map((above) => `^lib/${above}/`), TOP] },
}));

module.exports = {
  forbidden: [
    ...upward,
    {
      name: "admin-ui-stays-in-the-browser",
      comment: "The admin page's modules run in the browser: they import each other and nothing else of lib/.",
      severity: "error",
      from: { path: "^lib/admin-ui/" },
      to: { path: "^lib/", pathNot: "^lib/admin-ui/" },
    },
    {
      name: "nothing-imports-the-browser-modules",
      comment: "The server serves the admin page's compiled modules as files; it never imports them.",
      severity: "error",
      from: { path: "^lib/", pathNot: "^lib/admin-ui/" },
      to: { path: "^lib/admin-ui/" },
    },
    {
      name: "no-circular",
      comment: "A cycle ties files that should be one, or hides a missing lower layer.",
      severity: "error",
      from: { path: "^lib/" },
      to: { circular: true },
    },
    {
      name: "database-only-in-store",
      comment: "mongoose and the driver belong to lib/store/; the entry points (the wiring, the CLI) open connections.",
      severity: "error",
      from: { path: "^lib/", pathNot: ["^lib/store/", "^lib/create-security\\.ts$", "^lib/cli/", "^lib/model/"] },
      to: { path: "^node_modules/(mongoose|mongodb)/" },
    },
    {
      name: "model-names-database-types-only",
      comment: "lib/model/ may name the connection's type in the options, never use the database.",
      severity: "error",
      from: { path: "^lib/model/" },
      to: { path: "^node_modules/(mongoose|mongodb)/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "express-only-in-http",
      comment: "Express is the HTTP skin's: lib/http/ and the wiring alone import it.",
      severity: "error",
      from: { path: "^lib/", pathNot: ["^lib/http/", "^lib/create-security\\.ts$"] },
      to: { path: "^node_modules/express/", dependencyTypesNot: ["type-only"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    includeOnly: ["^lib/", "^node_modules/(mongoose|mongodb|express)/"],
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"] },
  },
};
