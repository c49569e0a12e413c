import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ts from "typescript";

// A guard against plain `===` on secrets: every comparison in lib/ whose operand is named like a
// secret (secret, password, hash, token, digest, credential, signature) must be on the allow-list
// below, with the reason it is not a secret check. Secrets are compared with
// `constantTimeEqual` / `timingSafeEqual`, whose running time does not depend on where the
// values first differ.

// Compiled to build/test/unit/secrets/: the sources live in <repo>/lib.
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");
const SECRET_NAME = /secret|passw(or)?d|hash|token|digest|credential|signature|^api_key$/i;
const EQUALITY = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
]);

export interface Finding {
  file: string;
  line: number;
  text: string;
}

/** The name an operand is known by: `x`, `a.b.x`, `a["x"]`, `x()` → "x". */
function operandName(node: ts.Expression): string | undefined {
  if (ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node) || ts.isAsExpression(node) || ts.isTypeAssertionExpression(node))
    return operandName(node.expression);
  if (ts.isIdentifier(node)) return node.text;
  if (ts.isPropertyAccessExpression(node)) return node.name.text;
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) return node.argumentExpression.text;
  if (ts.isCallExpression(node)) return operandName(node.expression);
  return undefined;
}

/** Operands that cannot be a secret: literals, `undefined`, `typeof x`, `void 0`. */
function isConstant(node: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(node)) return isConstant(node.expression);
  return (
    ts.isStringLiteralLike(node) ||
    ts.isNumericLiteral(node) ||
    node.kind === ts.SyntaxKind.NullKeyword ||
    node.kind === ts.SyntaxKind.TrueKeyword ||
    node.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(node) && node.text === "undefined") ||
    ts.isTypeOfExpression(node) ||
    ts.isVoidExpression(node) ||
    (ts.isPrefixUnaryExpression(node) && ts.isNumericLiteral(node.operand))
  );
}

/** Every `===`/`!==`/`==`/`!=` of `source` with a secret-named operand and a non-constant other side. */
export function findSecretComparisons(file: string, source: string): Finding[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const found: Finding[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && EQUALITY.has(node.operatorToken.kind)) {
      const sides = [node.left, node.right];
      const secretSide = sides.some((side) => SECRET_NAME.test(operandName(side) ?? ""));
      if (secretSide && !sides.some(isConstant)) {
        found.push({ file, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1, text: node.getText(sf).replace(/\s+/g, " ") });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function libFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return libFiles(path);
    return entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

describe("secrets are never compared with ===", () => {
  it("the scanner flags a plain comparison of a secret and nothing harmless", () => {
    const flagged = findSecretComparisons(
      "x.ts",
      ["if (secret === provided) {}", "if (user.password !== given) {}", 'if (a["api_key"] == b) {}', "if (digest() === expected) {}"].join(
        "\n",
      ),
    );
    assert.equal(flagged.length, 4, JSON.stringify(flagged));
    const harmless = findSecretComparisons(
      "y.ts",
      [
        "if (secret === undefined) {}",
        'if (typeof password === "string") {}',
        "if (token.kind === kind) {}",
        "if (hash.length === 0) {}",
        'if (scheme === "bearer") {}',
        "if (constantTimeEqual(secret, provided)) {}",
      ].join("\n"),
    );
    assert.deepEqual(harmless, []);
  });

  it(`no comparison in lib/ outside the allow-list`, async () => {
    const { ALLOWED } = await import("./secret-comparisons-allowed.js");
    const findings = libFiles(join(repoRoot, "lib")).flatMap((path) =>
      findSecretComparisons(relative(repoRoot, path).split("\\").join("/"), readFileSync(path, "utf8")),
    );
    const allowed = (f: Finding) => ALLOWED.some((a) => a.file === f.file && a.text === f.text);
    const unexpected = findings.filter((f) => !allowed(f));
    assert.deepEqual(
      unexpected.map((f) => `${f.file}:${f.line}: ${f.text}`),
      [],
      "compare secrets with constantTimeEqual()/timingSafeEqual(), or add the comparison to secret-comparisons-allowed.ts with the reason it compares no secret",
    );
    const stale = ALLOWED.filter((a) => !findings.some((f) => f.file === a.file && f.text === a.text));
    assert.deepEqual(stale, [], "allow-list entries that match nothing any more: remove them");
    process.stdout.write(`# secret comparisons: ${findings.length} flagged comparison(s) in lib/, all on the allow-list with a reason\n`);
  });
});
