import { parseSavedCredentials, type Credentials } from "./credentials.js";
import { notify } from "./notice.js";

const STORAGE_KEY = "express-keyguard.admin-ui.credentials";

/** Kept for this tab only (session storage), and only when the user ticked "Stay signed in". */
export function saveCredentials(credentials: Credentials): void {
  try {
    window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(credentials));
  } catch {
    notify("This browser refused to keep the sign-in for the tab; you will need to sign in again after a reload.");
  }
}

export function forgetCredentials(): void {
  try {
    window.sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: there is nothing to forget.
  }
}

export function savedCredentials(): Credentials | null {
  try {
    return parseSavedCredentials(window.sessionStorage.getItem(STORAGE_KEY));
  } catch {
    return null;
  }
}
