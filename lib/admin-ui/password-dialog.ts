import { messageOf, request } from "./api-client.js";
import { handleAuthLoss } from "./auth-loss.js";
import { dialogEl } from "./dialog-elements.js";
import { show } from "./dom-helpers.js";
import { notify } from "./notice.js";
import { passwordProblem } from "./user-query.js";

let target: string | null = null;
let opener: HTMLElement | null = null;

/** Empties both password fields: a password stays in the page no longer than it takes to send. */
function clearFields(): void {
  dialogEl.passwordNew.value = "";
  dialogEl.passwordRepeat.value = "";
}

function showError(message: string): void {
  dialogEl.passwordError.textContent = message;
  show(dialogEl.passwordError, message !== "");
}

export function openPasswordDialog(username: string, from: HTMLElement): void {
  target = username;
  opener = from;
  dialogEl.passwordUser.textContent = username;
  clearFields();
  showError("");
  dialogEl.password.showModal();
  dialogEl.passwordNew.focus();
}

/** Sends the new password (`POST /_security/user/{name}/_password`); the fields are emptied first. */
export async function onPasswordSubmit(event: Event): Promise<void> {
  event.preventDefault();
  const username = target;
  if (!username) return;
  const password = dialogEl.passwordNew.value;
  const problem = passwordProblem(password, dialogEl.passwordRepeat.value);
  clearFields();
  if (problem) {
    showError(problem);
    dialogEl.passwordNew.focus();
    return;
  }
  showError("");
  dialogEl.passwordSave.disabled = true;
  try {
    await request("POST", "/_security/user/" + encodeURIComponent(username) + "/_password", { password });
    dialogEl.password.close("done");
    notify("The password of " + username + " was changed.");
  } catch (error) {
    if (handleAuthLoss(error)) return;
    showError("The password was not changed: " + messageOf(error));
    dialogEl.passwordNew.focus();
  } finally {
    dialogEl.passwordSave.disabled = false;
  }
}

/** The dialog closed, however: nothing of it stays in the page. */
export function onPasswordDialogClose(): void {
  clearFields();
  showError("");
  dialogEl.passwordUser.textContent = "";
  target = null;
  const back = opener;
  opener = null;
  if (back?.isConnected) back.focus();
}
