import type { QueryUsersAnswer, UserInfo, UsersAnswer } from "./api-types.js";
import { isReserved } from "./role-presentation.js";

/** One page of users, whichever endpoint answered. */
export interface UserPage {
  users: UserInfo[];
  total: number;
}

/** The body of `POST /_security/_query/user` for one page, by username. */
export function userQueryBody(from: number, size: number): { from: number; size: number; sort: Array<Record<string, { order: string }>> } {
  return { from, size, sort: [{ username: { order: "asc" } }] };
}

export function usersFromQuery(answer: QueryUsersAnswer | null): UserPage {
  const users = answer?.users ?? [];
  return { users, total: typeof answer?.total === "number" ? answer.total : users.length };
}

/**
 * The same page cut from a `GET /_security/user` answer (every user, keyed by username), for a
 * server without the Query User API.
 */
export function usersFromGet(answer: UsersAnswer | null, from: number, size: number): UserPage {
  const all = Object.entries(answer ?? {})
    .map(([username, user]) => ({ ...user, username: typeof user.username === "string" ? user.username : username }))
    .sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
  return { users: all.slice(from, from + size), total: all.length };
}

/**
 * Whether a failed `_query/user` means the server has no such endpoint: Elasticsearch's 400
 * "no handler found for uri", or a 404 from a server that does not route it at all.
 */
export function isQueryUnavailable(status: number, message: string): boolean {
  return status === 404 || status === 405 || (status === 400 && /no handler found/i.test(message));
}

/**
 * The actions offered on a user: none on reserved users (Elasticsearch refuses to change them)
 * nor on the caller's own account (its status cannot be changed by its owner, and a new password
 * would sign this page out).
 */
export function userActions(user: UserInfo, me: string, manage: boolean): { toggle: boolean; password: boolean } {
  const allowed = manage && !isReserved(user.metadata) && user.username !== me;
  return { toggle: allowed, password: allowed };
}

/** Checks the password dialog's two fields; `null` when they may be sent. */
export function passwordProblem(password: string, repeat: string): string | null {
  if (password.length < 6) return "Passwords must be at least 6 characters long.";
  if (password !== repeat) return "The two passwords differ.";
  return null;
}
