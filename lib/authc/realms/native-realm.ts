import type { User } from "../../model/authentication.js";
import type { UserDoc } from "../../store/store-documents.js";
import type { UserStore } from "../../store/user-store.js";
import type { PasswordHasher } from "../../support/password-hasher.js";
import type { CredentialCache } from "./credential-cache.js";
import type { Realm, RealmInput, RealmResult } from "../../model/realm.js";

export function userFromDoc(doc: UserDoc): User {
  return {
    username: doc._id,
    roles: [...doc.roles],
    full_name: doc.full_name ?? null,
    email: doc.email ?? null,
    metadata: doc.metadata ?? {},
    enabled: doc.enabled !== false,
  };
}

/** Users stored in MongoDB with bcrypt, `{PBKDF2}` or `{PBKDF2_STRETCH}` password hashes (any of them verifies). */
export class NativeRealm implements Realm {
  readonly type = "native";

  constructor(
    readonly name: string,
    private readonly users: UserStore,
    private readonly hasher: PasswordHasher,
    private readonly cache: CredentialCache,
  ) {}

  async authenticate(input: RealmInput): Promise<RealmResult | null> {
    const credentials = input.credentials;
    if (!credentials) return null;
    const { username, password } = credentials;
    const cached = this.cache.verify(username, password);
    if (cached) return cached.enabled ? { status: "success", user: cached } : this.disabled(username);

    const epoch = this.cache.epoch;
    const doc = await this.users.get(username);
    if (!doc) return { status: "continue", message: `unable to authenticate user [${username}]` };
    const ok = await this.hasher.verify(password, doc.password_hash);
    if (!ok) return { status: "continue", message: `unable to authenticate user [${username}]` };
    const user = userFromDoc(doc);
    this.cache.put(username, password, user, Date.now(), epoch);
    return user.enabled ? { status: "success", user } : this.disabled(username);
  }

  /**
   * The synchronous, cache-only part of {@link authenticate}: the user when `password` is the one
   * cached for an enabled user; otherwise `undefined` (then {@link authenticate} decides).
   */
  authenticateFromCache(username: string, password: string): User | undefined {
    const cached = this.cache.verify(username, password);
    return cached?.enabled ? cached : undefined;
  }

  async lookup(username: string): Promise<User | null> {
    const doc = await this.users.get(username);
    return doc ? userFromDoc(doc) : null;
  }

  /** Drops cached credentials: of `usernames`, or of every user. */
  clearCache(usernames?: readonly string[]): void {
    if (usernames === undefined) this.cache.clear();
    else for (const username of usernames) this.cache.evict(username);
  }

  private disabled(username: string): RealmResult {
    return { status: "terminate", message: `unable to authenticate user [${username}] because the account is disabled` };
  }
}
