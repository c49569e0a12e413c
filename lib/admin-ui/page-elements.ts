/**
 * The page's elements, looked up once when the module runs (module scripts run after the
 * document is parsed). A missing or mistyped element fails at once, naming it, instead of later
 * in some event handler.
 */

type ElementType<T extends HTMLElement> = { new (): T; prototype: T };

export function byId<T extends HTMLElement>(id: string, type: ElementType<T>): T {
  const node = document.getElementById(id);
  if (!(node instanceof type)) throw new Error("admin UI markup is missing #" + id + " (a " + type.name + ")");
  return node;
}

const element = HTMLElement;
const input = HTMLInputElement;
const button = HTMLButtonElement;
const select = HTMLSelectElement;
const form = HTMLFormElement;

function tableWrap(): HTMLElement {
  const node = document.querySelector(".table-wrap");
  if (!(node instanceof HTMLElement)) throw new Error("admin UI markup is missing .table-wrap");
  return node;
}

export const el = {
  who: byId("who", element),
  whoName: byId("who-name", element),
  whoDetail: byId("who-detail", element),
  signOut: byId("sign-out", button),
  notice: byId("notice", element),
  signInView: byId("sign-in-view", element),
  signInTitle: byId("sign-in-title", element),
  signInForm: byId("sign-in-form", form),
  passwordFields: byId("password-fields", element),
  apiKeyFields: byId("api-key-fields", element),
  username: byId("sign-in-username", input),
  password: byId("sign-in-password", input),
  apiKey: byId("sign-in-api-key", input),
  remember: byId("sign-in-remember", input),
  signInError: byId("sign-in-error", element),
  signInSubmit: byId("sign-in-submit", button),
  keysView: byId("keys-view", element),
  scopeNote: byId("scope-note", element),
  secretPanel: byId("secret-panel", element),
  secretName: byId("secret-name", element),
  secretId: byId("secret-id", element),
  secretExpiration: byId("secret-expiration", element),
  secretEncoded: byId("secret-encoded", input),
  secretApiKey: byId("secret-api-key", input),
  copyEncoded: byId("copy-encoded", button),
  copyApiKey: byId("copy-api-key", button),
  copyStatus: byId("copy-status", element),
  secretDone: byId("secret-done", button),
  createToggle: byId("create-toggle", button),
  createForm: byId("create-form", form),
  createName: byId("create-name", input),
  createExpiration: byId("create-expiration", input),
  createRoleDescriptors: byId("create-role-descriptors", HTMLTextAreaElement),
  createMetadata: byId("create-metadata", HTMLTextAreaElement),
  createLimits: byId("create-limits", HTMLTextAreaElement),
  createError: byId("create-error", element),
  createSubmit: byId("create-submit", button),
  createCancel: byId("create-cancel", button),
  listTitle: byId("list-title", element),
  filterForm: byId("filter-form", form),
  scopeField: byId("scope-field", element),
  filterScope: byId("filter-scope", select),
  filterName: byId("filter-name", input),
  ownerField: byId("owner-field", element),
  filterOwner: byId("filter-owner", input),
  filterStatus: byId("filter-status", select),
  filterSort: byId("filter-sort", select),
  filterSize: byId("filter-size", select),
  filterReset: byId("filter-reset", button),
  invalidateSelected: byId("invalidate-selected", button),
  resultSummary: byId("result-summary", element),
  listError: byId("list-error", element),
  tableWrap: tableWrap(),
  selectAll: byId("select-all", input),
  body: byId("keys-body", HTMLTableSectionElement),
  emptyState: byId("empty-state", element),
  pagePrev: byId("page-prev", button),
  pageNext: byId("page-next", button),
  pageInfo: byId("page-info", element),
  dialog: byId("confirm-dialog", HTMLDialogElement),
  confirmText: byId("confirm-text", element),
  confirmList: byId("confirm-list", HTMLUListElement),
  confirmCancel: byId("confirm-cancel", button),
  confirmOk: byId("confirm-ok", button),
};
