import type { ApiKeyNameMatch } from "../../store/api-key-store.js";

/** The `name` parameter of get and invalidate: exact, a `prefix*`, or `*`/absent for any name. */
export function nameMatch(name: string | undefined): ApiKeyNameMatch | undefined {
  if (name === undefined || name === "*") return undefined;
  if (name.endsWith("*")) return { prefix: name.slice(0, -1) };
  return { exact: name };
}
