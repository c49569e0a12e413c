import { ApiError } from "./api-client.js";
import { state } from "./app-state.js";

let signOut: (message: string) => void = () => {};

/** Registers what signs the user out (kept apart so the list modules need not import the session). */
export function onAuthLoss(handler: (message: string) => void): void {
  signOut = handler;
}

/**
 * A 401 while signed in: the credentials stopped working (e.g. the key signed in with was
 * invalidated). Signs out and returns `true`; any other error is left to the caller.
 */
export function handleAuthLoss(error: unknown): boolean {
  if (error instanceof ApiError && error.status === 401 && state.credentials) {
    signOut("You were signed out: " + error.message);
    return true;
  }
  return false;
}
