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
import { onAuthLoss } from "./auth-loss.js";
import { openConfirm, onDialogClose } from "./confirm-dialog.js";
import { clearCreateErrors, onCreate, setCreateOpen } from "./create-form.js";
import { forgetCredentials, savedCredentials } from "./credential-storage.js";
import { applyFilterForm, goToPage, loadKeys, onSortButton, resetFilters, resetPaging, selectedKeys } from "./key-list.js";
import { selectAllOnPage } from "./key-table.js";
import { notify } from "./notice.js";
import { el } from "./page-elements.js";
import { copyValue, hideSecret } from "./secret-panel.js";
import { onSignIn, showSignIn, signIn, signOut, updateSignInMethod } from "./session.js";

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

function boot(): void {
  wireSignIn();
  wireCreate();
  wireList();
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
