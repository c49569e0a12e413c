import type { Authorizer } from "../../authz/authorizer.js";
import type { EventsJournal } from "../../store/events-journal.js";
import type { UserDoc } from "../../store/store-documents.js";
import type { UserStore } from "../../store/user-store.js";
import { isSupportedPasswordHash, SUPPORTED_PASSWORD_HASH_ALGORITHMS, type PasswordHasher } from "../../support/password-hasher.js";
import {
  optionalBoolean,
  optionalMetadata,
  optionalNullableString,
  optionalString,
  optionalStringArray,
  rejectUnknownFields,
  requireObject,
} from "../../support/json-input.js";
import { illegalArgument, validationError } from "../../support/security-error.js";
import type { Authentication, RealmRef, User } from "../../model/authentication.js";
import { subjectRealm } from "../../authc/subject-realm.js";
import { userFromDoc } from "../../authc/realms/native-realm.js";
import { setOwnKey } from "../../support/set-own-key.js";
import { queryUsersAs, type QueryUsersParams, type QueryUsersResponse } from "./query-users.js";

const ACTION = "cluster:admin/xpack/security/user/";
/** Elasticsearch's text for a `password_hash` it cannot verify, listing what it can. */
const UNSUPPORTED_PASSWORD_HASH =
  "The provided password hash is not a hash or it could not be resolved to a supported hash algorithm. " +
  `The supported password hash algorithms are [${SUPPORTED_PASSWORD_HASH_ALGORITHMS.join(", ")}]`;

const USER_FIELDS = ["username", "password", "password_hash", "roles", "full_name", "email", "metadata", "enabled"] as const;
const MIN_PASSWORD = 6;

export type UserView = User;

/** Throws Elasticsearch's validation error for a username it would refuse. */
export function validateUsername(username: string): void {
  const printable = /^[\x20-\x7e]{1,507}$/.test(username);
  if (!printable || username.trim() !== username) {
    throw validationError(
      "Invalid username [" +
        username.slice(0, 64) +
        "]... Usernames must be at least [1] and no more than [507] characters. " +
        "They can contain alphanumeric characters (a-z, A-Z, 0-9), spaces, punctuation, and printable symbols in the Basic Latin (ASCII) block. " +
        "Leading or trailing whitespace is not allowed.",
    );
  }
}

/**
 * The native users API (`/_security/user`): Elasticsearch's validation, privileges and
 * responses. Every change is journaled so all instances drop cached credentials.
 */
export class NativeUserService {
  constructor(
    private readonly store: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly authorizer: Authorizer,
    private readonly journal: EventsJournal,
    private readonly nativeRealm: RealmRef,
  ) {}

  /** `PUT|POST /_security/user/{username}` → `{created}`. */
  async put(caller: Authentication, username: string, body: unknown): Promise<{ created: boolean }> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "put");
    validateUsername(username);
    const input = requireObject(body, "put user");
    rejectUnknownFields(input, USER_FIELDS, "add user request");
    const what = "add user request";
    const bodyUsername = optionalString(input, "username", what);
    if (bodyUsername !== undefined && bodyUsername !== username) {
      throw illegalArgument(`[username] in source does not match the username provided [${username}]`);
    }
    const password = optionalString(input, "password", what);
    const passwordHash = optionalString(input, "password_hash", what);
    const roles = optionalStringArray(input, "roles", what);
    const fullName = optionalNullableString(input, "full_name", what);
    const email = optionalNullableString(input, "email", what);
    const metadata = optionalMetadata(input, "metadata", what, "Validation Failed: 1: metadata keys may not start with [_];");
    const enabled = optionalBoolean(input, "enabled", what);

    const errors: string[] = [];
    if (password !== undefined && passwordHash !== undefined) errors.push("only one of [password, passwordHash] can be provided");
    if (password !== undefined && password.length < MIN_PASSWORD)
      errors.push(`passwords must be at least [${MIN_PASSWORD}] characters long`);
    if (passwordHash !== undefined && !isSupportedPasswordHash(passwordHash)) {
      errors.push(UNSUPPORTED_PASSWORD_HASH);
    }
    if (roles?.some((r) => r.length === 0 || r.length > 507))
      errors.push("role names must be at least [1] and no more than [507] characters");
    const existing = await this.store.get(username);
    if (!existing && password === undefined && passwordHash === undefined)
      errors.push("password must be specified unless you are updating an existing user");
    if (errors.length > 0) throw validationError(errors);

    const hash = password !== undefined ? await this.hasher.hash(password) : (passwordHash ?? existing?.password_hash);
    const doc: Omit<UserDoc, "version"> = {
      _id: username,
      password_hash: hash as string,
      roles: roles ?? existing?.roles ?? [],
      full_name: fullName !== undefined ? fullName : (existing?.full_name ?? null),
      email: email !== undefined ? email : (existing?.email ?? null),
      metadata: metadata ?? existing?.metadata ?? {},
      enabled: enabled ?? existing?.enabled ?? true,
    };
    const created = await this.store.upsert(doc);
    await this.journal.append({ kind: "user.change", keys: [username] });
    return { created };
  }

  /** `GET /_security/user[/{names}]`. `undefined` when a named lookup found nobody (404 `{}`). */
  async get(caller: Authentication, names?: string[]): Promise<Record<string, UserView> | undefined> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "get");
    const docs = await this.store.list(names && names.length > 0 ? names : undefined);
    if (names && names.length > 0 && docs.length === 0) return undefined;
    const out: Record<string, UserView> = {};
    // A user may be called `__proto__`: it must stay a key of the body.
    for (const doc of docs) setOwnKey(out, doc._id, userFromDoc(doc));
    return out;
  }

  /** `GET|POST /_security/_query/user` (see `query-users.ts`). */
  query(caller: Authentication, body: unknown, params?: QueryUsersParams): Promise<QueryUsersResponse> {
    return queryUsersAs({ store: this.store, authorizer: this.authorizer }, caller, body, params);
  }

  /** `DELETE /_security/user/{username}` → `{found}`. */
  async delete(caller: Authentication, username: string): Promise<{ found: boolean }> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "delete");
    const found = await this.store.delete(username);
    if (found) await this.journal.append({ kind: "user.change", keys: [username] });
    return { found };
  }

  /**
   * `PUT /_security/user/{username}/_password`. A native user may change their own password
   * without any privilege, as in Elasticsearch; every other change needs the change_password
   * action. "Their own" means a realm authentication (not an API key or a token) whose effective
   * user was authenticated, or looked up for run-as, by the native realm: a user of another realm
   * who happens to share the name is somebody else.
   */
  async changePassword(caller: Authentication, username: string | undefined, body: unknown): Promise<boolean> {
    const target = username ?? caller.user.username;
    const self = caller.type === "realm" && this.isNativeUser(caller, target);
    if (!self) await this.authorizer.ensureClusterAction(caller, ACTION + "change_password");
    const input = requireObject(body, "change password");
    rejectUnknownFields(input, ["password", "password_hash"], "change password request");
    const password = optionalString(input, "password", "change password request");
    const passwordHash = optionalString(input, "password_hash", "change password request");
    const errors: string[] = [];
    if (password === undefined && passwordHash === undefined) errors.push("password must be specified");
    if (password !== undefined && passwordHash !== undefined) errors.push("only one of [password, passwordHash] can be provided");
    if (password !== undefined && password.length < MIN_PASSWORD)
      errors.push(`passwords must be at least [${MIN_PASSWORD}] characters long`);
    if (passwordHash !== undefined && !isSupportedPasswordHash(passwordHash)) errors.push(UNSUPPORTED_PASSWORD_HASH);
    if (errors.length > 0) throw validationError(errors);
    const hash = password !== undefined ? await this.hasher.hash(password) : (passwordHash as string);
    const found = await this.store.update(target, { password_hash: hash });
    if (found) await this.journal.append({ kind: "user.change", keys: [target] });
    return found;
  }

  /**
   * `PUT /_security/user/{username}/_enable|_disable`. As in Elasticsearch nobody changes the
   * enabled status of their own account, however authenticated (a key or token of a disabled
   * user must not re-enable it); the native user of that name is only "their own" when the
   * caller's effective user comes from the native realm.
   */
  async setEnabled(caller: Authentication, username: string, enabled: boolean): Promise<boolean> {
    await this.authorizer.ensureClusterAction(caller, ACTION + "set_enabled");
    if (this.isNativeUser(caller, username)) throw illegalArgument("users may not update the enabled status of their own account");
    const found = await this.store.update(username, { enabled });
    if (found) await this.journal.append({ kind: "user.change", keys: [username] });
    return found;
  }

  /** Whether the effective user of `caller` is the native user `username`. */
  private isNativeUser(caller: Authentication, username: string): boolean {
    const realm = subjectRealm(caller);
    return caller.user.username === username && realm.name === this.nativeRealm.name && realm.type === this.nativeRealm.type;
  }
}
