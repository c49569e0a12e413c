import type { ApiKeyInfo } from "./api-types.js";
import { state, viewer } from "./app-state.js";
import { openConfirm } from "./confirm-dialog.js";
import { make, show, timeNode } from "./dom-helpers.js";
import { limitLines } from "./key-limits-presentation.js";
import { canInvalidate, ownedByMe, type Viewer } from "./key-ownership.js";
import { displayName, keyDetailsJson, keyStatus, metadataSummary } from "./key-presentation.js";
import { el } from "./page-elements.js";
import { pagerText } from "./pager-text.js";

/** A cell labelled for the phone layout, where each row is shown as a card. */
function cell(label: string, className?: string): HTMLTableCellElement {
  const td = make("td", className);
  td.setAttribute("data-label", label);
  return td;
}

/**
 * A row action, handled by one listener on the table body (admin-ui.ts), which finds the key by
 * the row's `data-key-id`.
 */
function actionButton(action: string, text: string, name: string, labelPrefix?: string): HTMLButtonElement {
  const button = make("button", "button secondary small", text);
  button.type = "button";
  button.setAttribute("data-action", action);
  button.setAttribute("aria-label", (labelPrefix ?? text + " ") + name);
  return button;
}

function keyRow(key: ApiKeyInfo, who: Viewer, now: number): HTMLTableRowElement {
  const name = displayName(key);
  const status = keyStatus(key, now);
  const invalidatable = canInvalidate(key, who);
  const row = make("tr", "status-" + status);
  row.setAttribute("data-key-id", key.id);

  const select = cell("Select", "select-cell");
  const box = make("input");
  box.type = "checkbox";
  box.className = "row-select";
  box.value = key.id;
  box.setAttribute("aria-label", "Select " + name);
  box.disabled = !invalidatable;
  box.addEventListener("change", () => {
    if (box.checked) state.selected.add(key.id);
    else state.selected.delete(key.id);
    updateSelection();
  });
  select.append(box);

  const nameCell = cell("Name", "name-cell");
  nameCell.append(make("span", "key-name", name), make("code", "key-id", key.id));

  const owner = cell("Owner", "owner-cell");
  owner.append(make("span", "owner-name", key.username), make("span", "muted owner-realm", key.realm));
  if (ownedByMe(key, who.me)) owner.append(make("span", "tag", "you"));

  const created = cell("Created");
  created.append(timeNode(key.creation));

  const expires = cell("Expires");
  expires.append(typeof key.expiration === "number" ? timeNode(key.expiration) : make("span", "muted", "Never"));

  const statusCell = cell("Status");
  const badge = make("span", "badge badge-" + status, status);
  if (status === "invalidated" && typeof key.invalidation === "number")
    badge.title = "Invalidated " + new Date(key.invalidation).toISOString();
  statusCell.append(badge);

  const meta = cell("Metadata", "metadata-cell");
  const summary = metadataSummary(key.metadata);
  meta.append(make("span", summary ? "metadata-summary" : "muted", summary || "None"));
  const details = make("details", "key-details");
  const detailsSummary = make("summary", null, "Details");
  detailsSummary.append(make("span", "visually-hidden", " of " + name));
  const pre = make("pre", "json", keyDetailsJson(key));
  pre.tabIndex = 0;
  pre.setAttribute("aria-label", "Metadata and role descriptors of " + name);
  details.append(detailsSummary, pre);
  meta.append(details);

  const limitsCell = cell("Limits", "limits-cell");
  const lines = limitLines(key.limits);
  if (lines.length === 0) limitsCell.append(make("span", "muted", "None"));
  for (const line of lines) limitsCell.append(make("span", "limit-line", line));

  const actions = cell("Actions", "actions-cell");
  const invalidate = make("button", "button danger small", "Invalidate");
  invalidate.type = "button";
  invalidate.setAttribute("aria-label", "Invalidate " + name);
  invalidate.disabled = !invalidatable;
  invalidate.addEventListener("click", () => openConfirm([key], invalidate));
  actions.append(invalidate);
  if (!key.invalidated) {
    // Disable and enable: whoever may invalidate the key (an owner cannot enable a key that a
    // manage_api_key user disabled; the server says so).
    if (invalidatable) {
      const enable = key.enabled === false;
      actions.append(actionButton(enable ? "enable" : "disable", enable ? "Enable" : "Disable", name));
    }
    if (state.access.keyLimits) {
      actions.append(actionButton("limits", "Limits", name, "Edit limits of "));
      if (key.limits?.credits) actions.append(actionButton("credits", "Credits", name, "Credits of "));
    }
  }

  row.append(select, nameCell, owner, created, expires, statusCell, limitsCell, meta, actions);
  return row;
}

/** Redraws the table, the empty state, the selection controls, sort indicators and pager. */
export function renderKeys(): void {
  const now = Date.now();
  const who = viewer();
  const rows = document.createDocumentFragment();
  if (who) for (const key of state.keys) rows.append(keyRow(key, who, now));
  el.body.replaceChildren(rows);
  show(el.emptyState, state.keys.length === 0 && el.listError.hidden);
  updateSelection();
  updateSortIndicators();
  updatePager();
}

export function updatePager(): void {
  const text = pagerText(state.query, state.page, state.keys.length, state.total);
  el.resultSummary.textContent = text.summary;
  el.pageInfo.textContent = text.pageInfo;
  el.pagePrev.disabled = text.prevDisabled;
  el.pageNext.disabled = text.nextDisabled;
}

function selectableBoxes(): HTMLInputElement[] {
  return [...el.body.querySelectorAll<HTMLInputElement>("input.row-select:not(:disabled)")];
}

export function updateSelection(): void {
  const boxes = selectableBoxes();
  const checked = boxes.filter((box) => box.checked).length;
  el.selectAll.disabled = boxes.length === 0;
  el.selectAll.checked = boxes.length > 0 && checked === boxes.length;
  el.selectAll.indeterminate = checked > 0 && checked < boxes.length;
  el.invalidateSelected.disabled = state.selected.size === 0;
  el.invalidateSelected.textContent = state.selected.size > 0 ? "Invalidate selected (" + state.selected.size + ")" : "Invalidate selected";
}

/** The header checkbox: ticks or clears every key on the page that can be invalidated. */
export function selectAllOnPage(): void {
  for (const box of selectableBoxes()) {
    box.checked = el.selectAll.checked;
    if (box.checked) state.selected.add(box.value);
    else state.selected.delete(box.value);
  }
  updateSelection();
}

function updateSortIndicators(): void {
  for (const th of document.querySelectorAll("th[data-sort-field]")) {
    if (th.getAttribute("data-sort-field") === state.query.sortField)
      th.setAttribute("aria-sort", state.query.sortOrder === "asc" ? "ascending" : "descending");
    else th.removeAttribute("aria-sort");
  }
}
