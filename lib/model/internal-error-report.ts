/** Where an unexpected error of a request went: method and path, never the query string. */
export interface InternalErrorRequest {
  method: string;
  path: string;
}

/** The `onInternalError` option: told about every error answered with an opaque 500. */
export type InternalErrorReport = (error: unknown, request: InternalErrorRequest) => void;
