import { MAX_CREDENTIAL_LENGTH, parseAuthorization, type Credentials } from "./parse-authorization.js";

/**
 * One `Authorization`-style header value as a request carries it through the security layer:
 * read from the request once, and decoded at most once however many parts of the request look at
 * it (the cache path, the chain, the failure limiter, the audit trail).
 */
export class ParsedAuthorization {
  private decoded: Credentials | undefined;
  private isDecoded = false;

  constructor(readonly header: string | undefined) {}

  /** `value` itself when it was parsed already, else a new one for the header value. */
  static of(value: string | ParsedAuthorization | undefined): ParsedAuthorization {
    return value instanceof ParsedAuthorization ? value : new ParsedAuthorization(value);
  }

  /** The credentials ({@link parseAuthorization}), decoded on first use. */
  get credentials(): Credentials | undefined {
    if (!this.isDecoded) {
      this.decoded = parseAuthorization(this.header);
      this.isDecoded = true;
    }
    return this.decoded;
  }

  /**
   * The token of a plain `Bearer <token>` header (scheme in any case, one space), for cache
   * lookups only; `undefined` for anything else, which {@link credentials} then decodes. It skips
   * the decoder's scan for whitespace and control characters, the largest cost of a Bearer cache
   * hit after the digest: a token the cache remembers as verified holds none, so the scan could
   * not change a hit.
   */
  get bearerCandidate(): string | undefined {
    if (this.isDecoded) return this.decoded?.scheme === "bearer" ? this.decoded.token : undefined;
    const header = this.header;
    if (header === undefined || header.length < 8 || header.length > MAX_CREDENTIAL_LENGTH || header.charCodeAt(6) !== 32) return undefined;
    const scheme = header.slice(0, 6);
    if (scheme !== "Bearer" && scheme.toLowerCase() !== "bearer") return undefined;
    const token = header.slice(7).trim();
    return token === "" ? undefined : token;
  }
}
