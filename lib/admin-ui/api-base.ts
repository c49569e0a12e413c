/**
 * The API prefix handed over by the server, accepted only as a same-origin path: a prefix such as
 * `//elsewhere` could otherwise make the page send credentials to another host.
 */
export function sanitizeApiBase(value: string): string {
  if (value !== "" && !/^\/(?!\/)[^\\]*$/.test(value)) return "";
  return value.replace(/\/+$/, "");
}
