import type { ApiKeyInfo, CreditsAnswer } from "./api-types.js";
import { messageOf, request } from "./api-client.js";
import { handleAuthLoss } from "./auth-loss.js";
import { dialogEl } from "./dialog-elements.js";
import { show } from "./dom-helpers.js";
import { creditBalance, creditsRequest, editableLimits } from "./key-limits-presentation.js";
import { displayName } from "./key-presentation.js";
import { notify } from "./notice.js";
import { el } from "./page-elements.js";
import { parseJsonObject } from "./parse-json-object.js";

type Reload = () => Promise<void>;

let limitsKey: ApiKeyInfo | null = null;
let creditsKey: ApiKeyInfo | null = null;
let opener: HTMLElement | null = null;

function keyPath(key: ApiKeyInfo, action: string): string {
  return "/_security/api_key/" + encodeURIComponent(key.id) + "/" + action;
}

function setError(node: HTMLElement, message: string): void {
  node.textContent = message;
  show(node, message !== "");
}

/** `POST /_security/api_key/{id}/_disable|_enable`, then the list again. */
export async function setKeyEnabled(key: ApiKeyInfo, enabled: boolean, reload: Reload): Promise<void> {
  show(el.listError, false);
  try {
    await request("POST", keyPath(key, enabled ? "_enable" : "_disable"));
    notify((enabled ? "Enabled " : "Disabled ") + displayName(key) + ".");
    await reload();
  } catch (error) {
    if (handleAuthLoss(error)) return;
    setError(el.listError, displayName(key) + " was not " + (enabled ? "enabled" : "disabled") + ": " + messageOf(error));
  }
}

export function openLimitsDialog(key: ApiKeyInfo, from: HTMLElement): void {
  limitsKey = key;
  opener = from;
  dialogEl.limitsKeyName.textContent = displayName(key);
  dialogEl.limitsKeyId.textContent = key.id;
  dialogEl.limitsJson.value = editableLimits(key.limits);
  setError(dialogEl.limitsError, "");
  dialogEl.limits.showModal();
  dialogEl.limitsJson.focus();
}

/** `PUT /_security/api_key/{id}/_limits` with the dialog's JSON. */
export async function onLimitsSubmit(event: Event, reload: Reload): Promise<void> {
  event.preventDefault();
  const key = limitsKey;
  if (!key) return;
  const parsed = parseJsonObject(dialogEl.limitsJson.value, "Limits");
  if ("error" in parsed || parsed.value === undefined) {
    setError(dialogEl.limitsError, "error" in parsed ? parsed.error : "Enter the limits, or {} to remove every limit.");
    dialogEl.limitsJson.focus();
    return;
  }
  dialogEl.limitsSave.disabled = true;
  try {
    await request("PUT", keyPath(key, "_limits"), parsed.value);
    dialogEl.limits.close("done");
    notify("Saved the limits of " + displayName(key) + ".");
    await reload();
  } catch (error) {
    if (handleAuthLoss(error)) return;
    setError(dialogEl.limitsError, "The limits were not saved: " + messageOf(error));
    dialogEl.limitsJson.focus();
  } finally {
    dialogEl.limitsSave.disabled = false;
  }
}

export function openCreditsDialog(key: ApiKeyInfo, from: HTMLElement): void {
  creditsKey = key;
  opener = from;
  dialogEl.creditsKeyName.textContent = displayName(key);
  dialogEl.creditsBalance.textContent = String(creditBalance(key.limits) ?? 0);
  dialogEl.creditsForm.reset();
  setError(dialogEl.creditsError, "");
  dialogEl.credits.showModal();
  dialogEl.creditsAmount.focus();
}

/** `POST /_security/api_key/{id}/_credits`: `{add}` or `{remaining}` as chosen. */
export async function onCreditsSubmit(event: Event, reload: Reload): Promise<void> {
  event.preventDefault();
  const key = creditsKey;
  if (!key) return;
  const mode = dialogEl.creditsForm.querySelector<HTMLInputElement>('input[name="credits-mode"]:checked')?.value ?? "add";
  const checked = creditsRequest(mode, dialogEl.creditsAmount.value);
  if ("error" in checked) {
    setError(dialogEl.creditsError, checked.error);
    dialogEl.creditsAmount.focus();
    return;
  }
  dialogEl.creditsSave.disabled = true;
  try {
    const answer = await request<CreditsAnswer>("POST", keyPath(key, "_credits"), checked.body);
    dialogEl.credits.close("done");
    const balance = answer ? answer.credits.remaining + answer.credits.leased : null;
    notify("Credits of " + displayName(key) + (balance === null ? " changed." : ": balance " + balance + "."));
    await reload();
  } catch (error) {
    if (handleAuthLoss(error)) return;
    setError(dialogEl.creditsError, "The credits were not changed: " + messageOf(error));
    dialogEl.creditsAmount.focus();
  } finally {
    dialogEl.creditsSave.disabled = false;
  }
}

/** Either dialog closed: forget its key and give the focus back. */
export function onKeyDialogClose(): void {
  limitsKey = null;
  creditsKey = null;
  dialogEl.limitsJson.value = "";
  const back = opener;
  opener = null;
  if (back?.isConnected) back.focus();
  else el.listTitle.focus();
}
