import { handleAuthLoss } from "./auth-loss.js";
import type { ApiKeyInfo, InvalidateApiKeysAnswer } from "./api-types.js";
import { messageOf, request } from "./api-client.js";
import { state, viewer } from "./app-state.js";
import { make, show } from "./dom-helpers.js";
import { invalidateKeysRequest, invalidationOutcome } from "./invalidate-keys-request.js";
import { displayName } from "./key-presentation.js";
import { notify } from "./notice.js";
import { el } from "./page-elements.js";

/** Asks before invalidating `keys`; `opener` gets the focus back when the dialog closes. */
export function openConfirm(keys: ApiKeyInfo[], opener: HTMLElement): void {
  state.pendingKeys = keys;
  state.returnFocus = opener;
  el.confirmText.textContent = keys.length === 1 ? "Invalidate this API key?" : "Invalidate these " + keys.length + " API keys?";
  const items = document.createDocumentFragment();
  for (const key of keys) {
    const item = make("li");
    item.append(make("strong", null, displayName(key)), " (owner " + key.username + ", id ", make("code", null, key.id), ")");
    items.append(item);
  }
  el.confirmList.replaceChildren(items);
  el.dialog.returnValue = "";
  el.dialog.showModal();
  el.confirmCancel.focus();
}

function restoreFocus(): void {
  const target = state.returnFocus;
  state.returnFocus = null;
  const usable = target !== null && target.isConnected && !(target instanceof HTMLButtonElement && target.disabled);
  if (usable) target.focus();
  else el.listTitle.focus();
}

/**
 * The dialog closed: invalidates the pending keys if it was confirmed, then reloads the list with
 * `reload`.
 */
export async function onDialogClose(reload: () => Promise<void>): Promise<void> {
  const keys = state.pendingKeys;
  state.pendingKeys = null;
  const who = viewer();
  if (el.dialog.returnValue !== "confirm" || !keys || !who) {
    restoreFocus();
    return;
  }
  try {
    const answer = await request<InvalidateApiKeysAnswer>("DELETE", "/_security/api_key", invalidateKeysRequest(keys, who));
    const outcome = invalidationOutcome(answer);
    notify(outcome.notice);
    await reload();
    if (outcome.failure) {
      el.listError.textContent = outcome.failure;
      show(el.listError, true);
    }
  } catch (error) {
    if (handleAuthLoss(error)) return;
    el.listError.textContent = "Invalidation failed: " + messageOf(error);
    show(el.listError, true);
  }
  if (state.credentials) restoreFocus();
}
