import type { AuditTrail } from "../audit/audit-trail.js";
import type { Authorizer } from "../authz/authorizer.js";
import { runAsDeniedReason } from "../authz/denial-message.js";
import { authenticationError, forbiddenError, isSecurityError, SecurityError } from "../support/security-error.js";
import type { Authentication } from "../model/authentication.js";
import type { AuthenticatorChain, AuthRequestInfo } from "./authenticator-chain.js";
import { ParsedAuthorization } from "./parsed-authorization.js";
import { realmRef } from "./realms/realm-ref.js";

/**
 * The security headers of one request, already read from the framework's request. A credential
 * header is a value, or the one the request's middleware parsed already (then it is not decoded again).
 */
export interface SecurityHeaders {
  authorization?: string | ParsedAuthorization;
  runAs?: string;
  secondary?: string | ParsedAuthorization;
}

export interface AuthenticatedSubjects {
  authentication: Authentication;
  secondary?: Authentication;
}

/** The reason of every failed secondary authentication (Elasticsearch's wording). */
export const SECONDARY_FAILURE_REASON = "Failed to authenticate secondary user";

const RUN_AS_ACTION = "cluster:admin/xpack/security/user/authenticate";

/**
 * Primary authentication, run-as (`es-security-runas-user`) and secondary authentication
 * (`es-secondary-authorization`), in Elasticsearch's order.
 */
export class AuthenticationService {
  constructor(
    readonly chain: AuthenticatorChain,
    private readonly authorizer: Authorizer,
    private readonly runAsEnabled: boolean,
    private readonly audit?: AuditTrail,
  ) {}

  /**
   * @param optional when true, a request with no credentials at all resolves to `undefined`
   *   instead of a 401 (bad credentials are still refused).
   */
  async authenticate(headers: SecurityHeaders, info: AuthRequestInfo, optional = false): Promise<AuthenticatedSubjects | undefined> {
    const authorization = ParsedAuthorization.of(headers.authorization);
    const secondaryHeader = secondaryOf(headers);
    let authentication: Authentication;
    try {
      authentication = await this.chain.authenticate(authorization, info, true);
    } catch (error) {
      if (optional && !authorization.header && isMissingCredentials(error)) {
        if (secondaryHeader) await this.authenticateSecondary(secondaryHeader, info);
        return undefined;
      }
      throw error;
    }
    if (headers.runAs !== undefined && this.runAsEnabled) authentication = await this.runAs(authentication, headers.runAs);
    if (!authentication.user.enabled)
      throw authenticationError(`unable to authenticate user [${authentication.user.username}] for REST request [${info.uri}]`);
    const secondary = secondaryHeader ? await this.authenticateSecondary(secondaryHeader, info) : undefined;
    return secondary ? { authentication, secondary } : { authentication };
  }

  /**
   * The synchronous, cache-only path of {@link authenticate}: the subject when the request names
   * no run-as target and no secondary identity and its credential is a cache hit of an enabled
   * user; otherwise `undefined` (then call {@link authenticate}, which answers as it always did).
   */
  authenticateFromCache(headers: SecurityHeaders): AuthenticatedSubjects | undefined {
    if (headers.runAs !== undefined || headers.secondary !== undefined) return undefined;
    const authentication = this.chain.authenticateFromCache(ParsedAuthorization.of(headers.authorization));
    return authentication?.user.enabled ? { authentication } : undefined;
  }

  /**
   * The secondary identity: same chain, no anonymous, any failure is one 401. It is the identity
   * of the header's value alone: realms see a request carrying only that value as its
   * `Authorization`, so an unusable value never resolves to whoever the request's cookies name.
   */
  async authenticateSecondary(value: string | ParsedAuthorization, info: AuthRequestInfo): Promise<Authentication> {
    try {
      const authorization = ParsedAuthorization.of(value);
      const request = Object.freeze({
        url: info.uri,
        originalUrl: info.uri,
        headers: Object.freeze({ authorization: authorization.header }),
      });
      const secondary = await this.chain.authenticate(authorization, { uri: info.uri, request }, false);
      if (!secondary.user.enabled) throw authenticationError(`user [${secondary.user.username}] is disabled`);
      return secondary;
    } catch (error) {
      if (!isSecurityError(error) || error.status !== 401) throw error;
      throw authenticationError(SECONDARY_FAILURE_REASON, undefined, error);
    }
  }

  private async runAs(authentication: Authentication, target: string): Promise<Authentication> {
    if (authentication.type === "anonymous" || authentication.isRunAs) return authentication;
    const permission = await this.authorizer.permissionFor(authentication);
    const denied = () => {
      const error = forbiddenError(
        runAsDeniedReason({
          action: RUN_AS_ACTION,
          username: authentication.user.username,
          roles: authentication.user.roles,
          ...(authentication.apiKey ? { apiKeyId: authentication.apiKey.id } : {}),
          target,
        }),
      );
      this.audit?.emit(() => ({
        type: "access_denied",
        timestamp: new Date().toISOString(),
        action: RUN_AS_ACTION,
        username: authentication.user.username,
        roles: [...authentication.user.roles],
        ...(authentication.apiKey ? { api_key_id: authentication.apiKey.id } : {}),
        run_as: target,
        reason: error.reason,
      }));
      return error;
    };
    if (target === "" || !permission.canRunAs(target)) throw denied();
    const found = await this.chain.lookup(target);
    if (!found) throw denied();
    if (!found.user.enabled) throw authenticationError(`unable to authenticate user [${target}] because the account is disabled`);
    return authentication.runAs(found.user, realmRef(found.realm));
  }
}

/** The secondary credential, when the request sent a non-empty one. */
function secondaryOf(headers: SecurityHeaders): ParsedAuthorization | undefined {
  return headers.secondary ? ParsedAuthorization.of(headers.secondary) : undefined;
}

function isMissingCredentials(error: unknown): boolean {
  return error instanceof SecurityError && error.status === 401 && error.reason.startsWith("missing authentication credentials");
}
