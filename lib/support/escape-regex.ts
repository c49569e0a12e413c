/**
 * Escapes every regular-expression metacharacter of `text`, so that it matches itself inside a
 * pattern (JavaScript, PCRE and RE2 alike).
 */
export function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}-]/g, "\\$&");
}
