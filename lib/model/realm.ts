import type { User } from "./authentication.js";

/**
 * What a realm sees of a request. `request` is the host framework's request object (for Express,
 * `express.Request`), so a realm can trust identities established upstream (sessions, passport).
 */
export interface RealmInput {
  /** Present when the request carried `Authorization: Basic`. */
  credentials?: { username: string; password: string };
  request: unknown;
}

/**
 * - `success`: authenticated as `user`.
 * - `continue`: not this realm's user or wrong password; the next realm is tried. `message` is kept
 *   for the final 401.
 * - `terminate`: stop the chain with a 401 carrying `message` (e.g. a disabled account).
 */
export type RealmResult =
  { status: "success"; user: User } | { status: "continue"; message?: string } | { status: "terminate"; message: string };

/**
 * A source of users. The native realm (users in MongoDB) is built in; a host app adds its own to
 * plug existing logins into the chain. Realms run in order after Bearer and ApiKey credentials.
 */
export interface Realm {
  /** Shown as `authentication_realm.name`; unique within the chain. */
  readonly name: string;
  /** Shown as `authentication_realm.type`, e.g. `native`, `session`. */
  readonly type: string;
  /**
   * Called for requests with Basic credentials (unless {@link credentialsFromCookies}) and for
   * requests without any `Authorization` header. Return `null` (or `continue`) when the request
   * is not for this realm.
   */
  authenticate(input: RealmInput): Promise<RealmResult | User | null>;
  /**
   * Finds a user by name without credentials: for run-as, for restoring background work, and to
   * re-check before credentials (API keys, tokens) are minted on a user's behalf that the user
   * still exists and is enabled. Optional, but without it none of that can be checked.
   */
  lookup?(username: string): Promise<User | null>;
  /**
   * Forgets what the realm caches about users: every user, or only `usernames`. Called on every
   * instance by `POST /_security/realm/{realms}/_clear_cache`. Optional: a realm that caches
   * nothing has nothing to clear.
   */
  clearCache?(usernames?: readonly string[]): void;
  /**
   * `true` when the realm authenticates from credentials the browser attaches by itself, such as
   * a session cookie. Such a realm is never asked about a request that presents Basic
   * credentials, nor about an `es-secondary-authorization` header, and a state-changing request
   * it authenticated must prove it is not a cross-site form post (see the README, "Your own
   * realm").
   */
  readonly credentialsFromCookies?: boolean;
}
