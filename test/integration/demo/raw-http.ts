import { connect } from "node:net";

/** What came back for bytes written straight to a socket; `status` 0 when nothing came back. */
export interface RawSocketResult {
  status: number;
  headers: Record<string, string>;
  text: string;
}

/**
 * Writes `bytes` (a whole HTTP request, any bytes at all) on a fresh connection and reads until
 * the server closes it or `timeoutMs` passes. For requests Node's HTTP client refuses to send
 * (control characters in header values, bad header names, bare CR or LF).
 */
export function sendRawBytes(port: number, bytes: Buffer, timeoutMs = 5_000): Promise<RawSocketResult> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(parseResponse(Buffer.concat(chunks)));
    };
    const timer = setTimeout(finish, timeoutMs);
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (complete(Buffer.concat(chunks))) finish();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    // The server may close (or reset) before reading everything we wrote: that is its answer.
    socket.on("error", finish);
    socket.write(bytes);
  });
}

/** A response is complete when its headers and its declared body have arrived. */
function complete(data: Buffer): boolean {
  const end = data.indexOf("\r\n\r\n");
  if (end < 0) return false;
  const head = data.subarray(0, end).toString("latin1");
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (!length) return /\r\nconnection:\s*close/i.test(head) ? false : true;
  return data.length >= end + 4 + Number(length[1]);
}

function parseResponse(data: Buffer): RawSocketResult {
  const end = data.indexOf("\r\n\r\n");
  const head = (end < 0 ? data : data.subarray(0, end)).toString("latin1");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: status ? Number(status[1]) : 0, headers, text: end < 0 ? "" : data.subarray(end + 4).toString("utf8") };
}
