import type { AuthenticateAnswer, HasPrivilegesAnswer } from "./api-types.js";
import { messageOf, request } from "./api-client.js";
import { state } from "./app-state.js";
import { setCreateOpen } from "./create-form.js";
import { forgetCredentials, saveCredentials } from "./credential-storage.js";
import { apiKeyCredentials, passwordCredentials, type Credentials } from "./credentials.js";
import { dialogEl } from "./dialog-elements.js";
import { show } from "./dom-helpers.js";
import { NO_PRIVILEGES, privilegesFrom } from "./key-ownership.js";
import { resetFilters, resetPaging } from "./key-list.js";
import { notify } from "./notice.js";
import { CHECKED_CLUSTER_PRIVILEGES, NO_ACCESS, pageAccessFrom } from "./page-access.js";
import { el } from "./page-elements.js";
import { clearRoles } from "./role-list.js";
import { hideSecret } from "./secret-panel.js";
import { closeTabs, openTabs } from "./tabs.js";
import { clearUsers } from "./user-list.js";

/**
 * Checks the credentials with `_authenticate` and `_has_privileges` and, when they work, opens
 * the tabs the caller may use. On failure nothing is kept.
 * @throws ApiError with the server's reason.
 */
export async function signIn(credentials: Credentials, remember: boolean): Promise<void> {
  state.credentials = credentials;
  try {
    const me = await request<AuthenticateAnswer>("GET", "/_security/_authenticate");
    const privileges = await request<HasPrivilegesAnswer>("POST", "/_security/user/_has_privileges", {
      cluster: CHECKED_CLUSTER_PRIVILEGES,
    });
    if (!me) throw new Error("The server sent no answer to _authenticate.");
    state.me = me;
    state.can = privilegesFrom(privileges);
    state.access = pageAccessFrom(privileges, me);
  } catch (error) {
    state.credentials = null;
    throw error;
  }
  if (remember) saveCredentials(credentials);
  else forgetCredentials();
  enterApp(state.me);
}

function scopeNote(me: AuthenticateAnswer): string {
  if (state.can.manageAll) return "You can see and invalidate the keys of every user (manage_api_key).";
  if (state.can.readAll) return "You can see the keys of every user (read_security) and invalidate your own.";
  if (me.api_key) return "Signed in with an API key, you see that key only.";
  return "You see the keys you own.";
}

function enterApp(me: AuthenticateAnswer): void {
  el.whoName.textContent = me.username;
  if (me.api_key)
    el.whoDetail.textContent = "with API key " + (me.api_key.name ? me.api_key.name + " (" + me.api_key.id + ")" : me.api_key.id);
  else el.whoDetail.textContent = "(realm " + (me.authentication_realm ? me.authentication_realm.name : "?") + ")";
  show(el.who, true);

  el.scopeNote.textContent = scopeNote(me);
  show(el.scopeField, state.can.readAll);
  show(el.ownerField, state.can.readAll);

  resetFilters();
  resetPaging();
  show(el.signInView, false);
  notify("Signed in as " + me.username + ".");
  openTabs();
}

/** Drops the credentials and everything shown with them; `message` explains why, if not asked. */
export function signOut(message: string): void {
  state.sequence++;
  state.credentials = null;
  state.me = null;
  state.can = NO_PRIVILEGES;
  state.access = NO_ACCESS;
  state.keys = [];
  state.selected.clear();
  forgetCredentials();
  hideSecret(false);
  for (const dialog of [el.dialog, dialogEl.password, dialogEl.limits, dialogEl.credits]) if (dialog.open) dialog.close("cancel");
  clearRoles();
  clearUsers();
  el.body.replaceChildren();
  el.createForm.reset();
  setCreateOpen(false);
  show(el.who, false);
  closeTabs();
  el.password.value = "";
  el.apiKey.value = "";
  showSignIn(message);
}

export function showSignIn(message: string): void {
  show(el.signInView, true);
  el.signInError.textContent = message;
  show(el.signInError, message !== "");
  el.signInTitle.focus();
}

function signInMethod(): string {
  return el.signInForm.querySelector<HTMLInputElement>('input[name="method"]:checked')?.value ?? "password";
}

export function updateSignInMethod(): void {
  const apiKey = signInMethod() === "api_key";
  show(el.passwordFields, !apiKey);
  show(el.apiKeyFields, apiKey);
}

/** The credentials the form holds, or what is missing and where. */
function formCredentials(method: string): Credentials | { problem: string; field: HTMLInputElement } {
  if (method === "password") {
    if (!el.username.value) return { problem: "Enter your username.", field: el.username };
    if (!el.password.value) return { problem: "Enter your password.", field: el.password };
    return passwordCredentials(el.username.value, el.password.value);
  }
  const value = el.apiKey.value.trim();
  if (!value) return { problem: "Enter an API key.", field: el.apiKey };
  return apiKeyCredentials(value);
}

export async function onSignIn(event: Event): Promise<void> {
  event.preventDefault();
  show(el.signInError, false);
  const method = signInMethod();
  const credentials = formCredentials(method);
  if ("problem" in credentials) {
    el.signInError.textContent = credentials.problem;
    show(el.signInError, true);
    credentials.field.setAttribute("aria-invalid", "true");
    credentials.field.focus();
    return;
  }
  for (const input of [el.username, el.password, el.apiKey]) input.removeAttribute("aria-invalid");
  el.signInSubmit.disabled = true;
  el.signInSubmit.textContent = "Signing in\u2026";
  try {
    await signIn(credentials, el.remember.checked);
    el.password.value = "";
    el.apiKey.value = "";
  } catch (error) {
    el.signInError.textContent = "Sign-in failed: " + messageOf(error);
    show(el.signInError, true);
    (method === "password" ? el.password : el.apiKey).focus();
  } finally {
    el.signInSubmit.disabled = false;
    el.signInSubmit.textContent = "Sign in";
  }
}
