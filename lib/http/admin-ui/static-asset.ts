import { createHash } from "node:crypto";

/** A file the admin UI serves from memory, with its content type and entity tag. */
export interface StaticAsset {
  body: Buffer;
  type: string;
  etag: string;
}

export function staticAsset(content: string | Buffer, type: string): StaticAsset {
  const body = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  return { body, type, etag: `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"` };
}
