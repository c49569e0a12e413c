/**
 * Comparisons in lib/ that involve a secret-like name but compare no secret, each with why.
 * `file` is relative to the repository; `text` is the comparison with whitespace collapsed.
 */
export const ALLOWED: ReadonlyArray<{ file: string; text: string; why: string }> = [
  {
    file: "lib/query/wildcard-to-regex.ts",
    text: "token === chars[v]",
    why: "one character of a query's wildcard pattern against one character of a stored value; no secret",
  },
  {
    file: "lib/admin-ui/secret-panel.ts",
    text: "input === el.secretEncoded",
    why: "identity of two DOM elements (which copy button was pressed), in the browser; no secret is compared",
  },
  {
    file: "lib/admin-ui/user-query.ts",
    text: "password !== repeat",
    why: "the password dialog's two fields, both typed by the same person in the browser (did they type it twice alike?); nothing stored is compared",
  },
  {
    file: "lib/authc/api-key/api-key-cache.ts",
    text: "previous.snapshot.hash === snapshot.hash",
    why: "two stored hashes read from the database (did the key's hash change?); no client input",
  },
  {
    file: "lib/authc/api-key/api-key-cache.ts",
    text: "entry.snapshot.hash !== hash",
    why: "the cached stored hash against the document's stored hash; the client's secret is checked with timingSafeEqual right after",
  },
  {
    file: "lib/authc/api-key/api-key-hash-upgrader.ts",
    text: "doc.hash === verifiedHash",
    why: "two stored hashes read from the database (is the hash the secret verified against still the stored one?); no client input",
  },
  {
    file: "lib/authc/api-key/api-key-secret-format.ts",
    text: "random.length === SECRET_RANDOM_LENGTH",
    why: "the length of a secret being generated against a constant; no client input",
  },
  {
    file: "lib/authc/token/access-token.ts",
    text: "decoded?.iss === TOKEN_ISSUER",
    why: "the JWT's public issuer claim against the constant issuer name, after the signature was verified",
  },
];
