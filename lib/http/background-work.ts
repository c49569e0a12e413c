import type { Request } from "express";
import type { CreateApiKeyResponse } from "../services/api-keys/api-key-responses.js";
import type { Authentication } from "../model/authentication.js";
import type { AuthenticationRecord } from "../authc/background/authentication-record.js";
import { AuthenticationRestorer } from "../authc/background/authentication-restorer.js";
import { captureAuthentication } from "../authc/background/capture-authentication.js";
import { grantApiKeyFor, type GrantApiKeyForRequest } from "../services/api-keys/grant-api-key-for.js";
import type { HttpServices } from "./http-services.js";
import { authenticationError, illegalArgument } from "../support/security-error.js";
import { readSecurityHeaders } from "./read-security-headers.js";

/**
 * Work that outlives a request — scheduled alerts, transforms, exports — running later with the
 * privileges of the user it is for, never those of the service that set it up.
 */
export interface BackgroundWork {
  /**
   * A plain, storable record of the identity the request's background work should run as: the
   * `es-secondary-authorization` user when the request carried one, else the primary subject
   * (Elasticsearch's rule for ML datafeeds and transforms). It holds no password, token or key
   * secret: an API key is recorded by id, any other identity by user and realm.
   *
   * @throws SecurityError 401 when the request was not authenticated; 400 for identities that
   *   could never be restored (anonymous, or a realm without `lookup`)
   */
  captureAuthentication(req: Request): AuthenticationRecord;
  /**
   * Re-validates a record from {@link captureAuthentication} (read back from storage, so treated
   * as untrusted) and returns an `Authentication` for `hasPrivileges`, `permissionFor` and the
   * programmatic API. A user must still exist and be enabled, and gets the roles its realm
   * reports now; an API key must not be invalidated, expired or deleted.
   *
   * @throws InvalidAuthenticationRecordError (400) when `record` is not such a record
   * @throws IdentityRevokedError (401, `code` `ERR_KEYGUARD_IDENTITY_REVOKED`) when the identity
   *   is no longer valid
   * @throws SecurityError 503 when the database cannot be reached (not a revocation: retry later)
   */
  restoreAuthentication(record: unknown): Promise<Authentication>;
  /**
   * Grants an API key owned by the request's secondary user (`es-secondary-authorization`:
   * Basic → password grant, Bearer → access-token grant), authorized by the primary caller's
   * `grant_api_key`. This is the way for work that outlives a token: store the returned
   * `encoded` key (encrypted), call with it later, invalidate it when the work is deleted.
   *
   * @throws SecurityError 400 without a secondary header or with an ApiKey one, or when the
   *   primary caller is an API key; 403 without `grant_api_key`
   */
  grantApiKeyFor(req: Request, request: GrantApiKeyForRequest): Promise<CreateApiKeyResponse>;
}

function subjectsOf(req: Request) {
  const subjects = req.security;
  if (!subjects) throw authenticationError(`missing authentication credentials for REST request [${req.originalUrl}]`);
  return subjects;
}

/** The background-work part of `Security`, over `core`. */
export function createBackgroundWork(core: HttpServices): BackgroundWork {
  const restorer = new AuthenticationRestorer({
    findRealm: (name) => core.chain.findRealm(name),
    authenticationForKey: (id) => core.apiKeys.authenticationForKey(id),
  });
  return {
    captureAuthentication(req) {
      const subjects = subjectsOf(req);
      return captureAuthentication(subjects.secondary ?? subjects.authentication, {
        source: subjects.secondary ? "secondary" : "primary",
        now: Date.now(),
        canLookup: (name) => core.chain.findRealm(name)?.lookup !== undefined,
      });
    },
    restoreAuthentication(record) {
      return restorer.restore(record);
    },
    async grantApiKeyFor(req, request) {
      const subjects = subjectsOf(req);
      if (!subjects.secondary) {
        throw illegalArgument(
          "granting an API key on behalf of a user requires the user's credentials in the [es-secondary-authorization] header",
        );
      }
      return grantApiKeyFor(core.apiKeys, subjects.authentication, readSecurityHeaders(req).secondary?.header, request);
    },
  };
}
