import { byId } from "./page-elements.js";

const element = HTMLElement;
const button = HTMLButtonElement;
const form = HTMLFormElement;
const input = HTMLInputElement;

/** The password, limits and credits dialogs' elements (see page-elements.ts). */
export const dialogEl = {
  password: byId("password-dialog", HTMLDialogElement),
  passwordForm: byId("password-form", form),
  passwordUser: byId("password-user", element),
  passwordNew: byId("password-new", input),
  passwordRepeat: byId("password-repeat", input),
  passwordError: byId("password-error", element),
  passwordCancel: byId("password-cancel", button),
  passwordSave: byId("password-save", button),
  limits: byId("limits-dialog", HTMLDialogElement),
  limitsForm: byId("limits-form", form),
  limitsKeyName: byId("limits-key-name", element),
  limitsKeyId: byId("limits-key-id", element),
  limitsJson: byId("limits-json", HTMLTextAreaElement),
  limitsError: byId("limits-error", element),
  limitsCancel: byId("limits-cancel", button),
  limitsSave: byId("limits-save", button),
  credits: byId("credits-dialog", HTMLDialogElement),
  creditsForm: byId("credits-form", form),
  creditsKeyName: byId("credits-key-name", element),
  creditsBalance: byId("credits-balance", element),
  creditsAmount: byId("credits-amount", input),
  creditsError: byId("credits-error", element),
  creditsCancel: byId("credits-cancel", button),
  creditsSave: byId("credits-save", button),
};
