import type { Authentication } from "../../model/authentication.js";
import type { ApplicationPrivilegeStore } from "../../store/application-privilege-store.js";
import type { EventsJournal } from "../../store/events-journal.js";
import { assertSafeKeys, isPlainObject } from "../../support/json-input.js";
import { getOwnKey, setOwnKey } from "../../support/set-own-key.js";
import { parseError, validationError } from "../../support/security-error.js";
import {
  validateApplicationAction,
  validateApplicationName,
  validateApplicationPrivilegeName,
} from "../../authz/application-privileges.js";
import type { Authorizer } from "../../authz/authorizer.js";
import { getBuiltinPrivileges, type BuiltinPrivilegesResponse } from "./builtin-privileges.js";
import { clearCacheResponse, type ClearCacheResponse, type ClusterNode } from "../clear-cache-response.js";

const ACTION = "cluster:admin/xpack/security/privilege/";

export interface ApplicationPrivilegeView {
  application: string;
  name: string;
  actions: string[];
  metadata: Record<string, unknown>;
}

/** `{application: {name: T}}`. */
type Nested<T> = Record<string, Record<string, T>>;

/**
 * The own entry of `application` in `out`, created when absent. Application names such as
 * `toString` are valid: an inherited member must never be taken for (and written into as) one.
 */
function childOf<T>(out: Nested<T>, application: string): Record<string, T> {
  const existing = getOwnKey(out, application);
  if (existing !== undefined) return existing;
  const created: Record<string, T> = {};
  setOwnKey(out, application, created);
  return created;
}

/** Named application privileges (`/_security/privilege`): how a host app names its permissions. */
export class ApplicationPrivilegeService {
  constructor(
    private readonly store: ApplicationPrivilegeStore,
    private readonly authorizer: Authorizer,
    private readonly journal: EventsJournal,
    /** How this instance names itself in `_clear_cache` responses. */
    private readonly node: () => ClusterNode,
  ) {}

  /** `PUT|POST /_security/privilege` → `{app: {name: {created}}}`. */
  async put(caller: Authentication, body: unknown): Promise<Nested<{ created: boolean }>> {
    if (!isPlainObject(body) || Object.keys(body).length === 0) throw parseError("request body is required");
    assertSafeKeys(body, "privileges");
    const parsed: ApplicationPrivilegeView[] = [];
    const errors: string[] = [];
    for (const [application, privileges] of Object.entries(body)) {
      if (!isPlainObject(privileges))
        throw parseError(`failed to parse application privileges. expected an object for application [${application}]`);
      for (const [name, definition] of Object.entries(privileges)) {
        if (!isPlainObject(definition))
          throw parseError(`failed to parse application privilege [${application}/${name}]. expected an object`);
        for (const key of Object.keys(definition)) {
          if (!["application", "name", "actions", "metadata"].includes(key))
            throw parseError(`failed to parse application privilege [${application}/${name}]. unexpected field [${key}]`);
        }
        if (definition.application !== undefined && definition.application !== application) {
          throw parseError(
            `failed to parse application privilege [${application}/${name}]. [application] in source does not match the application [${application}]`,
          );
        }
        if (definition.name !== undefined && definition.name !== name) {
          throw parseError(
            `failed to parse application privilege [${application}/${name}]. [name] in source does not match the privilege name [${name}]`,
          );
        }
        const actions = definition.actions;
        if (!Array.isArray(actions) || actions.some((a) => typeof a !== "string")) {
          throw parseError(`failed to parse application privilege [${application}/${name}]. [actions] must be an array of strings`);
        }
        const metadata = definition.metadata ?? {};
        if (!isPlainObject(metadata))
          throw parseError(`failed to parse application privilege [${application}/${name}]. [metadata] must be an object`);
        errors.push(...collect(() => validateApplicationName(application)));
        errors.push(...collect(() => validateApplicationPrivilegeName(name)));
        if (actions.length === 0) errors.push(`Application privileges must have at least one action`);
        for (const action of actions as string[]) errors.push(...collect(() => validateApplicationAction(action)));
        if (Object.keys(metadata).some((k) => k.startsWith("_"))) errors.push("metadata keys may not start with [_]");
        parsed.push({ application, name, actions: actions as string[], metadata });
      }
    }
    if (errors.length > 0) throw validationError([...new Set(errors)]);
    // Authorized once the body is read, as Elasticsearch does (its request validation comes
    // first): a global `application.manage` privilege grants only the applications it names.
    await this.authorizer.ensureClusterAction(caller, ACTION + "put", { applications: [...new Set(parsed.map((p) => p.application))] });
    const out: Nested<{ created: boolean }> = {};
    for (const p of parsed) {
      const created = await this.store.put({ _id: `${p.application}/${p.name}`, ...p });
      setOwnKey(childOf(out, p.application), p.name, { created });
    }
    await this.journal.append({ kind: "privilege.change", keys: ["*"] });
    return out;
  }

  /** `GET /_security/privilege[/{app}[/{names}]]`; `undefined` when a named lookup found nothing. */
  async get(caller: Authentication, application?: string, names?: string[]): Promise<Nested<ApplicationPrivilegeView> | undefined> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "get", { applications: application === undefined ? [] : [application] });
    const docs = await this.store.list(application, names);
    if (application !== undefined && docs.length === 0) return undefined;
    const out: Nested<ApplicationPrivilegeView> = {};
    for (const d of docs)
      setOwnKey(childOf(out, d.application), d.name, {
        application: d.application,
        name: d.name,
        actions: d.actions,
        metadata: d.metadata ?? {},
      });
    return out;
  }

  /** `GET /_security/privilege/_builtin`: the cluster and index privilege names roles may use. */
  getBuiltin(caller: Authentication): Promise<BuiltinPrivilegesResponse> {
    return getBuiltinPrivileges(this.authorizer, caller);
  }

  /**
   * `POST /_security/privilege/{applications}/_clear_cache`: evicts the cached privilege
   * definitions (and permissions built from them) here at once and on every other instance at its
   * next journal poll. The cache holds every application's definitions together, so any
   * application list clears all of it.
   */
  async clearCache(caller: Authentication, applications?: readonly string[]): Promise<ClearCacheResponse> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "cache/clear");
    const keys = applications && applications.length > 0 && !applications.includes("*") ? [...applications] : ["*"];
    await this.journal.append({ kind: "privilege.clear_cache", keys });
    return clearCacheResponse(this.node());
  }

  /** `DELETE /_security/privilege/{app}/{names}` → `{app: {name: {found}}}`. */
  async delete(caller: Authentication, application: string, names: string[]): Promise<Nested<{ found: boolean }>> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "delete", { applications: [application] });
    const out: Nested<{ found: boolean }> = {};
    const byName = childOf(out, application);
    let anyFound = false;
    for (const name of names) {
      const found = await this.store.delete(application, name);
      anyFound ||= found;
      setOwnKey(byName, name, { found });
    }
    // A delete that found nothing (404) changes nothing, not even the journal.
    if (anyFound) await this.journal.append({ kind: "privilege.change", keys: ["*"] });
    return out;
  }
}

function collect(check: () => void): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (error instanceof Error && "reason" in error) {
      const reason = String((error as { reason: unknown }).reason);
      return [reason.replace(/^Validation Failed: \d+: /, "").replace(/;$/, "")];
    }
    throw error;
  }
}
