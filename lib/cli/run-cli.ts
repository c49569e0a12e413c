import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type mongoose from "mongoose";
import type { ImportApiKeysResult, ImportProblem } from "../services/api-keys/import-api-keys-options.js";
import { createSecurityInternals } from "../create-security.js";
import { ensureIndexes } from "../store/models.js";
import { ProgressPrinter, type LineSink } from "./progress-printer.js";
import { EXIT, type CliIo } from "./cli-io.js";
import { openConnection, redactUri } from "./open-connection.js";
import { rotateTokenKeyCommand } from "./rotate-token-key-command.js";

const PREFIX = "express-keyguard import: ";
/** Problems listed one per line; beyond this many, a count. */
const SHOWN_PROBLEMS = 50;

export const HELP = `Usage: express-keyguard import <file> [options]

Imports existing API keys into the store of express-keyguard. <file> is a JSON array of rows or
NDJSON (one row per line); "-" reads standard input. A row is
  { "id"?, "name", "secret" | "hash", "owner": { "username", "realm"?, "realm_type"? },
    "role_descriptors"?, "limited_by", "metadata"?, "expiration"?, "creation"? }
(see README, "Importing existing API keys"). Every row is validated and compared with the store
first: if any row is invalid or conflicts with a stored key, nothing is written. Re-running the
same file writes nothing new ("N unchanged") and completes an import that was interrupted.

Options:
  --mongodb-uri <uri>        MongoDB connection string (default: $MONGODB_URI)
  --db <name>                database name (default: the one named in the URI)
  --collection-prefix <p>    collection prefix, as the app's collectionPrefix (default "security_")
  --hash-algorithm <a>       hash for plaintext secrets: ssha256 (default), pbkdf2 or bcrypt
  --native-realm <name>      the app's nativeRealmName, owners' default realm (default "native")
  --batch-size <n>           rows per database round trip, 1-10000 (default 1000)
  --dry-run                  validate and compare only; write nothing
  --json                     print the result (ids and outcome of every row, problems) as JSON on stdout
  --quiet                    no progress lines
  -h, --help                 this help

Progress and the summary go to stderr; secrets and hashes are never printed.
Exit codes: 0 imported (or nothing to do), 1 invalid rows or conflicts (nothing written),
2 bad usage or unreadable file, 3 database or other failure (re-run to complete).

The other command, express-keyguard rotate-token-key, rotates the generated access-token signing
key (express-keyguard rotate-token-key --help).
`;

const HASH_ALGORITHMS = ["ssha256", "pbkdf2", "bcrypt"] as const;

function location(problem: ImportProblem): string {
  if (problem.line !== undefined) return `line ${problem.line}`;
  if (problem.row !== undefined) return `row ${problem.row}`;
  return "file";
}

function printProblems(stderr: LineSink, title: string, problems: readonly ImportProblem[]): void {
  stderr.write(`${PREFIX}${problems.length} ${title}:\n`);
  for (const problem of problems.slice(0, SHOWN_PROBLEMS)) stderr.write(`  ${location(problem)}: ${problem.reason}\n`);
  if (problems.length > SHOWN_PROBLEMS) stderr.write(`  … and ${problems.length - SHOWN_PROBLEMS} more (--json lists them all)\n`);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs `express-keyguard <command> …`; resolves to the exit code. */
export async function runCli(io: CliIo): Promise<number> {
  if (io.argv[0] === "rotate-token-key") return rotateTokenKeyCommand(io, io.argv.slice(1));
  const usage = (message: string): number => {
    io.stderr.write(`express-keyguard: ${message}\nRun "express-keyguard import --help" for usage.\n`);
    return EXIT.usage;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...io.argv],
      allowPositionals: true,
      strict: true,
      options: {
        "mongodb-uri": { type: "string" },
        db: { type: "string" },
        "collection-prefix": { type: "string" },
        "hash-algorithm": { type: "string" },
        "native-realm": { type: "string" },
        "batch-size": { type: "string" },
        "dry-run": { type: "boolean" },
        json: { type: "boolean" },
        quiet: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    (values.help ? io.stdout : io.stderr).write(HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  const [command, file, ...extra] = positionals;
  if (command !== "import") return usage(`unknown command "${command ?? ""}" (the commands are "import" and "rotate-token-key")`);
  if (file === undefined) return usage("import needs a file: express-keyguard import <file>");
  if (extra.length > 0) return usage(`unexpected argument "${extra[0] ?? ""}"`);

  const uri = values["mongodb-uri"] ?? io.env.MONGODB_URI;
  if (!uri) return usage("no database: pass --mongodb-uri <uri> or set MONGODB_URI");
  const algorithm = values["hash-algorithm"] ?? "ssha256";
  if (!(HASH_ALGORITHMS as readonly string[]).includes(algorithm))
    return usage(`--hash-algorithm must be one of ${HASH_ALGORITHMS.join(", ")} (got "${algorithm}")`);
  let batchSize: number | undefined;
  if (values["batch-size"] !== undefined) {
    batchSize = Number(values["batch-size"]);
    if (!/^\d+$/.test(values["batch-size"]) || batchSize < 1 || batchSize > 10_000)
      return usage(`--batch-size must be an integer from 1 to 10000 (got "${values["batch-size"]}")`);
  }

  let text: string;
  try {
    text = file === "-" ? await io.readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return usage(`cannot read ${file === "-" ? "standard input" : `"${file}"`}${typeof code === "string" ? ` (${code})` : ""}`);
  }

  const printer = values.quiet ? undefined : new ProgressPrinter(io.stderr, PREFIX);
  const started = Date.now();
  let connection: mongoose.Connection | undefined;
  let built: ReturnType<typeof createSecurityInternals> | undefined;
  let result: ImportApiKeysResult;
  try {
    try {
      connection = await openConnection(uri, values.db);
    } catch (error) {
      io.stderr.write(`${PREFIX}cannot connect to MongoDB: ${redactUri(error instanceof Error ? error.message : String(error))}\n`);
      return EXIT.failed;
    }
    try {
      built = createSecurityInternals({
        connection,
        ...(values["collection-prefix"] !== undefined ? { collectionPrefix: values["collection-prefix"] } : {}),
        ...(values["native-realm"] !== undefined ? { nativeRealmName: values["native-realm"] } : {}),
        apiKeys: { hashAlgorithm: algorithm as (typeof HASH_ALGORITHMS)[number] },
        failureRateLimit: false,
      });
    } catch (error) {
      if (error instanceof TypeError) return usage(error.message);
      throw error;
    }
    if (!values["dry-run"]) await ensureIndexes(built.core.models);
    result = await built.security.apiKeys.import(text, {
      dryRun: values["dry-run"] === true,
      ...(batchSize !== undefined ? { batchSize } : {}),
      ...(printer ? { onProgress: (progress) => printer.update(progress) } : {}),
    });
  } catch (error) {
    const inserted = printer?.last?.inserted;
    io.stderr.write(`${PREFIX}failed: ${redactUri(error instanceof Error ? error.message : String(error))}\n`);
    if (inserted !== undefined && inserted > 0)
      io.stderr.write(`${PREFIX}${inserted} keys were inserted before the failure; run the same import again to complete it\n`);
    return EXIT.failed;
  } finally {
    await built?.security.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }

  if (values.json) io.stdout.write(JSON.stringify(result, null, 2) + "\n");
  const elapsed = Date.now() - started;
  if (result.errors.length > 0) {
    printProblems(io.stderr, result.errors.length === 1 ? "invalid row" : "invalid rows", result.errors);
    io.stderr.write(`${PREFIX}nothing was written (${result.total} rows checked in ${seconds(elapsed)})\n`);
    return EXIT.rejected;
  }
  if (result.conflicts.length > 0) {
    printProblems(io.stderr, result.conflicts.length === 1 ? "conflict with a stored key" : "conflicts with stored keys", result.conflicts);
    const written =
      result.inserted > 0 ? `${result.inserted} keys were inserted before a concurrent writer was detected` : "nothing was written";
    io.stderr.write(`${PREFIX}${written} (${result.total} rows checked in ${seconds(elapsed)})\n`);
    return EXIT.rejected;
  }
  const rate = Math.round(result.total / Math.max(elapsed / 1000, 0.001));
  const outcome = result.dryRun
    ? `${result.total - result.unchanged} would be inserted, ${result.unchanged} unchanged (dry run, nothing written)`
    : `${result.inserted} inserted, ${result.unchanged} unchanged`;
  io.stderr.write(
    `${PREFIX}done: ${result.total} rows, ${outcome}, in ${seconds(elapsed)} (${new Intl.NumberFormat("en-US").format(rate)} rows/s)\n`,
  );
  return EXIT.ok;
}
