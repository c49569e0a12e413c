#!/usr/bin/env node
// The `express-keyguard` command (package.json "bin"): `express-keyguard import keys.json`.
import { runCli } from "./run-cli.js";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

const code = await runCli({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr, readStdin });
process.exitCode = code;
// Everything opened is closed by now; should a driver timer linger, it must not hold the exit.
setTimeout(() => process.exit(code), 2000).unref();
