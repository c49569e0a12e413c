import { parseArgs } from "node:util";
import type mongoose from "mongoose";
import { resolveTokenOptions } from "../authc/token/resolve-token-options.js";
import { createSecurityInternals } from "../create-security.js";
import type { SigningKeyRotation } from "../model/signing-key-rotation.js";
import { EXIT, type CliIo } from "./cli-io.js";
import { openConnection, redactUri } from "./open-connection.js";

const PREFIX = "express-keyguard rotate-token-key: ";

const ROTATE_HELP = `Usage: express-keyguard rotate-token-key [options]

Makes a new generated access-token signing key current for every app instance using the database
(each follows within its eventsPollInterval, about a second). New access tokens carry the new
key's kid. The replaced key keeps verifying the tokens it signed until they have all expired
(--access-token-lifetime plus one minute), so nobody is logged out; with --retire-now it and every
earlier key are dropped at once and their tokens are refused (a leaked key). Apps that set
tokens.signingKey or tokens.signingKeys do not use the generated key: rotate those by redeploying.

Options:
  --mongodb-uri <uri>            MongoDB connection string (default: $MONGODB_URI)
  --db <name>                    database name (default: the one named in the URI)
  --collection-prefix <p>        collection prefix, as the app's collectionPrefix (default "security_")
  --access-token-lifetime <d>    the apps' tokens.accessTokenLifetime, how long the replaced key must
                                 keep verifying (default "1h", the longest allowed)
  --retire-now                   drop the replaced and earlier keys now: their tokens stop working
  --json                         print the rotation ({ kid, previous, retired }) as JSON on stdout
  -h, --help                     this help

Progress and the outcome go to stderr; secrets are never printed (a kid is not secret: every token
shows it). Exit codes: 0 rotated, 2 bad usage, 3 database or other failure.
`;

function describeRotation(rotation: SigningKeyRotation): string[] {
  const lines = [`done: new access tokens are signed with key ${rotation.kid}`];
  for (const entry of rotation.previous)
    lines.push(`key ${entry.kid} still verifies the tokens it signed until ${entry.retireAt.toISOString()}`);
  for (const kid of rotation.retired) lines.push(`key ${kid} retired: tokens it signed are refused from now on`);
  return lines;
}

/** `express-keyguard rotate-token-key …`; resolves to the exit code. */
export async function rotateTokenKeyCommand(io: CliIo, args: readonly string[]): Promise<number> {
  const usage = (message: string): number => {
    io.stderr.write(`${PREFIX}${message}\nRun "express-keyguard rotate-token-key --help" for usage.\n`);
    return EXIT.usage;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: false,
      strict: true,
      options: {
        "mongodb-uri": { type: "string" },
        db: { type: "string" },
        "collection-prefix": { type: "string" },
        "access-token-lifetime": { type: "string" },
        "retire-now": { type: "boolean" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    io.stdout.write(ROTATE_HELP);
    return EXIT.ok;
  }
  const uri = values["mongodb-uri"] ?? io.env.MONGODB_URI;
  if (!uri) return usage("no database: pass --mongodb-uri <uri> or set MONGODB_URI");

  const lifetime = values["access-token-lifetime"] ?? "1h";
  try {
    resolveTokenOptions({ accessTokenLifetime: lifetime });
  } catch (error) {
    return usage(
      error instanceof Error ? error.message.replace(/^.*option tokens\.accessTokenLifetime/, "--access-token-lifetime") : String(error),
    );
  }

  let connection: mongoose.Connection;
  try {
    connection = await openConnection(uri, values.db);
  } catch (error) {
    io.stderr.write(`${PREFIX}cannot connect to MongoDB: ${redactUri(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.failed;
  }
  let built: ReturnType<typeof createSecurityInternals> | undefined;
  let rotation: SigningKeyRotation;
  try {
    built = createSecurityInternals({
      connection,
      ...(values["collection-prefix"] !== undefined ? { collectionPrefix: values["collection-prefix"] } : {}),
      tokens: { accessTokenLifetime: lifetime },
      failureRateLimit: false,
    });
    io.stderr.write(`${PREFIX}rotating the access-token signing key${values["retire-now"] ? " (retiring the earlier keys now)" : ""}…\n`);
    rotation = await built.security.tokens.rotateSigningKey({ retireImmediately: values["retire-now"] === true });
  } catch (error) {
    io.stderr.write(`${PREFIX}failed: ${redactUri(error instanceof Error ? error.message : String(error))}\n`);
    return EXIT.failed;
  } finally {
    await built?.security.close().catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
  for (const line of describeRotation(rotation)) io.stderr.write(`${PREFIX}${line}\n`);
  if (values.json) io.stdout.write(JSON.stringify(rotation, null, 2) + "\n");
  return EXIT.ok;
}
