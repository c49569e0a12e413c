/**
 * The admin page's entry module: wires the page's controls to the modules beside it and restores
 * a kept sign-in.
 *
 * Rules that keep the page safe: server data reaches the DOM only through `textContent`/`value`
 * (never HTML parsing); requests go to the same origin with `credentials: "omit"` and an explicit
 * `Authorization` header; the credentials live in memory, and in `sessionStorage` only when the
 * user ticks "Stay signed in"; the new key's secret is shown once and dropped from the page when
 * dismissed.
 */

import { messageOf } from "./api-client.js";
import { state } from "./app-state.js";
import { onAuthLoss } from "./auth-loss.js";
import { openConfirm, onDialogClose } from "./confirm-dialog.js";
import { clearCreateErrors, onCreate, setCreateOpen } from "./create-form.js";
import { forgetCredentials, savedCredentials } from "./credential-storage.js";
import { dialogEl } from "./dialog-elements.js";
import { onCreditsSubmit, onKeyDialogClose, onLimitsSubmit, openCreditsDialog, openLimitsDialog, setKeyEnabled } from "./key-actions.js";
import { applyFilterForm, goToPage, loadKeys, onSortButton, resetFilters, resetPaging, selectedKeys } from "./key-list.js";
import { selectAllOnPage } from "./key-table.js";
import { notify } from "./notice.js";
import { el } from "./page-elements.js";
import { onPasswordDialogClose, onPasswordSubmit } from "./password-dialog.js";
import { closeRoleDetail } from "./role-list.js";
import { copyValue, hideSecret } from "./secret-panel.js";
import { onSignIn, showSignIn, signIn, signOut, updateSignInMethod } from "./session.js";
import { tabEl } from "./tab-elements.js";
import { onTabClick, onTabKey } from "./tabs.js";
import { goToUserPage } from "./user-list.js";

function wireSignIn(): void {
  el.signInForm.addEventListener("submit", (event) => void onSignIn(event));
  for (const radio of el.signInForm.querySelectorAll('input[name="method"]')) radio.addEventListener("change", updateSignInMethod);
  el.signOut.addEventListener("click", () => {
    signOut("");
    notify("Signed out.");
  });
  onAuthLoss(signOut);
}

function wireCreate(): void {
  el.createToggle.addEventListener("click", () => {
    const open = el.createForm.hidden;
    setCreateOpen(open);
    if (open) el.createName.focus();
  });
  el.createCancel.addEventListener("click", () => {
    el.createForm.reset();
    clearCreateErrors();
    setCreateOpen(false);
    el.createToggle.focus();
  });
  el.createForm.addEventListener("submit", (event) => void onCreate(event));
  el.secretDone.addEventListener("click", () => hideSecret(true));
  el.copyEncoded.addEventListener("click", (event) => void copyValue(event));
  el.copyApiKey.addEventListener("click", (event) => void copyValue(event));
}

function wireList(): void {
  el.filterForm.addEventListener("submit", (event) => {
    event.preventDefault();
    applyFilterForm();
  });
  el.filterReset.addEventListener("click", () => {
    resetFilters();
    resetPaging();
    void loadKeys();
  });
  for (const button of document.querySelectorAll("button.sort-button")) button.addEventListener("click", onSortButton);
  el.pagePrev.addEventListener("click", () => void goToPage(-1, el.pagePrev));
  el.pageNext.addEventListener("click", () => void goToPage(1, el.pageNext));
  el.selectAll.addEventListener("change", selectAllOnPage);
  el.invalidateSelected.addEventListener("click", () => {
    const keys = selectedKeys();
    if (keys.length > 0) openConfirm(keys, el.invalidateSelected);
  });
  el.confirmCancel.addEventListener("click", () => el.dialog.close("cancel"));
  el.confirmOk.addEventListener("click", () => el.dialog.close("confirm"));
  el.dialog.addEventListener("close", () => void onDialogClose(loadKeys));
}

/** The row buttons of the key table (see key-table.ts). */
function onKeyAction(event: Event): void {
  const button = event.target instanceof Element ? event.target.closest("button[data-action]") : null;
  const id = button?.closest("tr")?.getAttribute("data-key-id");
  const key = state.keys.find((candidate) => candidate.id === id);
  if (!(button instanceof HTMLButtonElement) || !key) return;
  const action = button.getAttribute("data-action");
  if (action === "disable" || action === "enable") void setKeyEnabled(key, action === "enable", loadKeys);
  else if (action === "limits") openLimitsDialog(key, button);
  else if (action === "credits") openCreditsDialog(key, button);
}

function wireKeyActions(): void {
  el.body.addEventListener("click", onKeyAction);
  dialogEl.limitsForm.addEventListener("submit", (event) => void onLimitsSubmit(event, loadKeys));
  dialogEl.limitsCancel.addEventListener("click", () => dialogEl.limits.close("cancel"));
  dialogEl.limits.addEventListener("close", onKeyDialogClose);
  dialogEl.creditsForm.addEventListener("submit", (event) => void onCreditsSubmit(event, loadKeys));
  dialogEl.creditsCancel.addEventListener("click", () => dialogEl.credits.close("cancel"));
  dialogEl.credits.addEventListener("close", onKeyDialogClose);
}

function wireTabs(): void {
  for (const tab of [tabEl.tabKeys, tabEl.tabRoles, tabEl.tabUsers]) {
    tab.addEventListener("click", onTabClick);
    tab.addEventListener("keydown", onTabKey);
  }
  tabEl.roleDetailClose.addEventListener("click", closeRoleDetail);
  tabEl.usersPrev.addEventListener("click", () => goToUserPage(-1));
  tabEl.usersNext.addEventListener("click", () => goToUserPage(1));
  dialogEl.passwordForm.addEventListener("submit", (event) => void onPasswordSubmit(event));
  dialogEl.passwordCancel.addEventListener("click", () => dialogEl.password.close("cancel"));
  dialogEl.password.addEventListener("close", onPasswordDialogClose);
}

function boot(): void {
  wireSignIn();
  wireCreate();
  wireList();
  wireKeyActions();
  wireTabs();
  updateSignInMethod();

  const saved = savedCredentials();
  if (saved) {
    el.remember.checked = true;
    signIn(saved, true).catch((error: unknown) => {
      forgetCredentials();
      showSignIn("Please sign in again: " + messageOf(error));
    });
  } else {
    showSignIn("");
  }
}

boot();
