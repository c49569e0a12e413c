import type { CreateApiKeyAnswer } from "./api-types.js";
import { messageOf, request } from "./api-client.js";
import { handleAuthLoss } from "./auth-loss.js";
import { CREATE_FIELD_LABELS, CREATE_FIELDS, createKeyRequest, fieldOfServerError, type CreateField } from "./create-key-request.js";
import { show } from "./dom-helpers.js";
import { loadKeys, resetPaging } from "./key-list.js";
import { byId, el } from "./page-elements.js";
import { showSecret } from "./secret-panel.js";

export function setCreateOpen(open: boolean): void {
  show(el.createForm, open);
  el.createToggle.setAttribute("aria-expanded", open ? "true" : "false");
  el.createToggle.textContent = open ? "Close form" : "New API key";
}

function fieldInput(field: CreateField): HTMLElement {
  return byId(field, HTMLElement);
}

function fieldErrorText(field: CreateField): HTMLElement {
  return byId(field + "-error", HTMLElement);
}

export function clearCreateErrors(): void {
  for (const field of CREATE_FIELDS) {
    fieldInput(field).removeAttribute("aria-invalid");
    const error = fieldErrorText(field);
    error.textContent = "";
    show(error, false);
  }
  el.createError.textContent = "";
  show(el.createError, false);
}

/** Marks the field invalid with `message` below it (its `aria-describedby` reads it out). */
function fieldError(field: CreateField, message: string): HTMLElement {
  const input = fieldInput(field);
  input.setAttribute("aria-invalid", "true");
  const error = fieldErrorText(field);
  error.textContent = message;
  show(error, true);
  return input;
}

export async function onCreate(event: Event): Promise<void> {
  event.preventDefault();
  clearCreateErrors();
  const checked = createKeyRequest({
    name: el.createName.value,
    expiration: el.createExpiration.value,
    roleDescriptors: el.createRoleDescriptors.value,
    metadata: el.createMetadata.value,
    limits: el.createLimits.value,
  });
  if (!checked.ok) {
    fieldError(checked.field, checked.message).focus();
    return;
  }

  el.createSubmit.disabled = true;
  try {
    const created = await request<CreateApiKeyAnswer>("POST", "/_security/api_key", checked.body);
    el.createForm.reset();
    setCreateOpen(false);
    if (created) showSecret(created);
    resetPaging();
    void loadKeys();
  } catch (error) {
    if (handleAuthLoss(error)) return;
    const message = messageOf(error);
    const field = fieldOfServerError(message);
    // The server's reason goes next to the field it is about (and is read with it); the alert
    // says where to look. Anything else is shown whole in the alert.
    if (field) fieldError(field, message);
    el.createError.textContent = field
      ? "The key was not created: the server refused the " + CREATE_FIELD_LABELS[field] + " (see the message under that field)."
      : "The key was not created: " + message;
    show(el.createError, true);
    (field ? fieldInput(field) : el.createName).focus();
  } finally {
    el.createSubmit.disabled = false;
  }
}
