// `node --import ./scripts/use-express4.mjs ...`: runs the process with `express` resolved to
// Express 4 (see express4-hooks.mjs). The test runner passes the flag on to every test file.
import { register } from "node:module";

register("./express4-hooks.mjs", import.meta.url);
