import type { CreateApiKeyAnswer } from "./api-types.js";
import { show, timeNode } from "./dom-helpers.js";
import { byId, el } from "./page-elements.js";

/** Shows a new key's secret: the only time it is ever on screen. */
export function showSecret(created: CreateApiKeyAnswer): void {
  el.secretName.textContent = created.name;
  el.secretId.textContent = created.id;
  el.secretExpiration.replaceChildren(
    typeof created.expiration === "number" ? timeNode(created.expiration) : document.createTextNode("Never"),
  );
  el.secretEncoded.value = created.encoded;
  el.secretApiKey.value = created.api_key;
  el.copyStatus.textContent = "";
  show(el.secretPanel, true);
  el.secretPanel.focus();
  el.secretPanel.scrollIntoView({ block: "start" });
}

/** Removes the secret from the page for good (nothing else holds it). */
export function hideSecret(moveFocus: boolean): void {
  el.secretEncoded.value = "";
  el.secretApiKey.value = "";
  el.secretName.textContent = "";
  el.secretId.textContent = "";
  el.secretExpiration.textContent = "";
  el.copyStatus.textContent = "";
  show(el.secretPanel, false);
  if (moveFocus) el.createToggle.focus();
}

function selectionCopy(input: HTMLInputElement): boolean {
  input.focus();
  input.select();
  try {
    // Deprecated, but the only way to copy on a plain-HTTP page (no Clipboard API there).
    return document.execCommand("copy");
  } catch {
    return false;
  }
}

/** A copy button: its `data-copy` names the field it copies. */
export async function copyValue(event: Event): Promise<void> {
  const button = event.currentTarget;
  if (!(button instanceof HTMLButtonElement)) return;
  const input = byId(button.getAttribute("data-copy") ?? "", HTMLInputElement);
  const label = input === el.secretEncoded ? "Encoded value" : "Secret";
  let copied = false;
  if (window.isSecureContext && "clipboard" in navigator) {
    try {
      await navigator.clipboard.writeText(input.value);
      copied = true;
    } catch {
      copied = false;
    }
  }
  if (!copied) {
    copied = selectionCopy(input);
    button.focus();
  }
  if (copied) el.copyStatus.textContent = label + " copied to the clipboard.";
  else {
    el.copyStatus.textContent = "This browser did not allow copying. The value is selected: copy it with your keyboard.";
    input.focus();
    input.select();
  }
}
