import { auditActor } from "../../audit/audit-actor.js";
import { snapshotOf } from "../../authc/api-key/api-key-authenticator.js";
import { encodeDescriptors, encodeMetadata, metadataValues } from "../../authc/api-key/api-key-document.js";
import { ensureSubjectActive } from "../../authc/ensure-subject-active.js";
import type { Authentication } from "../../model/authentication.js";
import type { ApiKeyDoc } from "../../store/store-documents.js";
import { randomId } from "../../support/random-id.js";
import { authenticationError, illegalArgument, isSecurityError, SecurityError } from "../../support/security-error.js";
import { API_KEY_ACTIONS } from "./api-key-actions.js";
import type { ApiKeyActionContext } from "./api-key-action-context.js";
import { isEmptyDescriptor } from "../../authz/is-empty-descriptor.js";
import { expirationTime, type ParsedCreateRequest, type ParsedGrantRequest } from "./api-key-requests.js";
import type { CreateApiKeyResponse } from "./api-key-responses.js";
import { creatorOf } from "./creator-of.js";
import { flattenMetadata } from "./flatten-metadata.js";
import { limitedBySnapshot } from "./limited-by-snapshot.js";
import { storedLimitsOf } from "./stored-api-key-limits.js";
import { keyOf } from "./own-key-request.js";

/** Turns validated grant credentials into an `Authorization` header value for the chain. */
export type GrantCredentialResolver = (grant: ParsedGrantRequest) => string;

const GRANT_PATH = "/_security/api_key/grant";
/** What realms see as "the request" of grant credentials: not the caller's request (its session must not count). */
const GRANT_REQUEST = Object.freeze({ method: "POST", url: GRANT_PATH, originalUrl: GRANT_PATH, headers: Object.freeze({}) });
export const GENERIC_401 = "unable to authenticate with provided credentials and anonymous access is not allowed for this request";

/** Stores a new key owned by `owner` and answers with its secret (create and grant). */
export async function createApiKeyFor(
  ctx: ApiKeyActionContext,
  owner: Authentication,
  request: ParsedCreateRequest,
): Promise<CreateApiKeyResponse> {
  const key = keyOf(owner);
  const assigned = request.roleDescriptors ?? {};
  if (key) {
    const descriptors = Object.values(assigned);
    if (descriptors.length === 0 || !descriptors.every(isEmptyDescriptor)) {
      throw illegalArgument("creating derived api keys requires an explicit role descriptor that is empty (has no privileges)");
    }
  }
  // A key may never expire: the owner must exist and be enabled now, not merely when the token
  // (or key) this request authenticated with was made.
  await ensureSubjectActive(owner, ctx.authentication.chain);
  const limitedBy = await limitedBySnapshot(ctx.authorizer, owner);
  const now = ctx.clock();
  const id = randomId();
  const secret = ctx.secretFormat.generate();
  const hash = await ctx.hasher.hash(secret);
  const metadata = request.metadata ?? {};
  const doc: ApiKeyDoc = {
    _id: id,
    doc_type: "api_key",
    type: "rest",
    name: request.name,
    creation_time: now,
    expiration_time: expirationTime(now, request.expirationMs),
    invalidated: false,
    invalidation_time: null,
    hash,
    role_descriptors: encodeDescriptors(assigned),
    limited_by_role_descriptors: encodeDescriptors(limitedBy),
    metadata: encodeMetadata(metadata),
    metadata_flattened: flattenMetadata(metadata),
    metadata_values: metadataValues(metadata),
    creator: creatorOf(owner),
    version: 1,
  };
  // The owner may restrict the key it creates; lifting limits later takes manage_api_key.
  const limits = storedLimitsOf(request.limits, now);
  if (limits) doc.limits = limits;
  const epoch = ctx.cache.epoch;
  await ctx.store.insert(doc);
  // Pre-warm the auth cache on this instance, as Elasticsearch does on the creating node.
  ctx.cache.put(snapshotOf(doc), secret, epoch, now);
  const response: CreateApiKeyResponse = { id, name: request.name } as CreateApiKeyResponse;
  if (doc.expiration_time !== null) response.expiration = doc.expiration_time;
  response.api_key = secret;
  response.encoded = Buffer.from(`${id}:${secret}`, "utf8").toString("base64");
  return response;
}

/** The owner a grant's credentials authenticate as (with run-as), through the authenticator chain. */
export async function authenticateGrant(
  ctx: ApiKeyActionContext,
  grantTypes: ReadonlyMap<string, GrantCredentialResolver>,
  grant: ParsedGrantRequest,
): Promise<Authentication> {
  const resolver = grantTypes.get(grant.grantType);
  if (!resolver) throw illegalArgument(`the grant type [${grant.grantType}] is not supported`);
  if (grant.grantType === "access_token" && grant.clientAuthentication) {
    // Only JWTs take client authentication, and this library has no JWT realm.
    throw illegalArgument("[client_authentication] not supported with the supplied access_token type");
  }
  let subject: Authentication;
  try {
    const subjects = await ctx.authentication.authenticate(
      { authorization: resolver(grant), ...(grant.runAs !== undefined ? { runAs: grant.runAs } : {}) },
      { uri: GRANT_PATH, request: GRANT_REQUEST },
    );
    if (!subjects) throw authenticationError(GENERIC_401);
    subject = subjects.authentication;
  } catch (error) {
    if (
      grant.grantType === "password" &&
      isSecurityError(error) &&
      error.status === 401 &&
      error.reason.startsWith("unable to authenticate user [")
    ) {
      throw authenticationError(`unable to authenticate user [${grant.username ?? ""}] for action [${API_KEY_ACTIONS.grant}]`);
    }
    throw error;
  }
  // TransportGrantAction: a run-as that did not happen (run-as disabled, credentials that cannot
  // run as) or that targets someone else is refused.
  if (grant.runAs !== undefined && (!subject.isRunAs || subject.user.username !== grant.runAs)) {
    throw new SecurityError(400, "status_exception", "the provided grant credentials do not support run-as");
  }
  return subject;
}

export function auditCreated(
  ctx: ApiKeyActionContext,
  type: "api_key_create" | "api_key_grant",
  caller: Authentication,
  owner: Authentication,
  created: CreateApiKeyResponse,
): void {
  ctx.audit?.emit(() => {
    const { principal, realm } = creatorOf(owner);
    return {
      type,
      timestamp: new Date().toISOString(),
      caller: auditActor(caller),
      owner: { username: principal, realm },
      ids: [created.id],
      name: created.name,
    };
  });
}
