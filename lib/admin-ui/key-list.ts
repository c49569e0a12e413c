import type { ApiKeyInfo, QueryApiKeysAnswer } from "./api-types.js";
import { messageOf, request } from "./api-client.js";
import { state, viewer } from "./app-state.js";
import { handleAuthLoss } from "./auth-loss.js";
import { buildKeyQuery } from "./build-key-query.js";
import { show } from "./dom-helpers.js";
import { renderKeys, updatePager } from "./key-table.js";
import { defaultListQuery, isSortField, listQueryFromForm, withSortBy } from "./list-query.js";
import { el } from "./page-elements.js";

export function resetPaging(): void {
  state.page = 0;
  state.cursors = [null];
}

function setBusy(busy: boolean): void {
  state.loading = busy;
  el.tableWrap.setAttribute("aria-busy", busy ? "true" : "false");
}

/** Loads the current page of the list; only the answer to the latest load is shown. */
export async function loadKeys(): Promise<void> {
  const who = viewer();
  if (!who) return;
  const sequence = ++state.sequence;
  setBusy(true);
  show(el.listError, false);
  try {
    const answer = await request<QueryApiKeysAnswer>(
      "POST",
      "/_security/_query/api_key",
      buildKeyQuery(state.query, who, state.cursors[state.page] ?? null),
    );
    if (sequence !== state.sequence) return;
    const keys = answer?.api_keys ?? [];
    if (keys.length === 0 && state.page > 0) {
      // The page emptied (its keys were filtered away by an invalidation): show the one before.
      state.page--;
      state.cursors.length = state.page + 1;
      void loadKeys();
      return;
    }
    state.keys = keys;
    state.total = typeof answer?.total === "number" ? answer.total : keys.length;
    state.selected.clear();
    renderKeys();
  } catch (error) {
    if (sequence !== state.sequence || handleAuthLoss(error)) return;
    el.listError.textContent = "Could not load the keys: " + messageOf(error);
    show(el.listError, true);
    state.keys = [];
    renderKeys();
  } finally {
    if (sequence === state.sequence) {
      setBusy(false);
      updatePager();
    }
  }
}

/** The filters of the form, applied from the first page. */
export function applyFilterForm(): void {
  state.query = listQueryFromForm({
    scope: el.filterScope.value,
    name: el.filterName.value,
    owner: el.filterOwner.value,
    status: el.filterStatus.value,
    sort: el.filterSort.value,
    size: el.filterSize.value,
  });
  resetPaging();
  void loadKeys();
}

/** Back to the default filters, shown in the form; the caller reloads when it needs to. */
export function resetFilters(): void {
  state.query = defaultListQuery();
  const q = state.query;
  el.filterScope.value = q.scope;
  el.filterName.value = q.name;
  el.filterOwner.value = q.owner;
  el.filterStatus.value = q.status;
  el.filterSize.value = String(q.size);
  syncSortSelect();
}

/** The "Sort by" select follows a sort chosen from a column header, when it offers that sort. */
function syncSortSelect(): void {
  const wanted = state.query.sortField + ":" + state.query.sortOrder;
  if ([...el.filterSort.options].some((option) => option.value === wanted)) el.filterSort.value = wanted;
}

export function onSortButton(event: Event): void {
  const field = event.currentTarget instanceof HTMLElement ? event.currentTarget.getAttribute("data-sort") : null;
  if (!isSortField(field)) return;
  state.query = withSortBy(state.query, field);
  syncSortSelect();
  resetPaging();
  void loadKeys();
}

/** Next (`delta` 1) or previous (-1) page; `button` is the pager button pressed. */
export async function goToPage(delta: 1 | -1, button: HTMLButtonElement): Promise<void> {
  if (state.loading) return;
  if (delta > 0) {
    const last = state.keys[state.keys.length - 1];
    if (!last?._sort) return;
    state.cursors[state.page + 1] = last._sort;
    state.page++;
  } else if (state.page > 0) {
    state.page--;
  }
  state.cursors.length = state.page + 1;
  await loadKeys();
  // On the first or last page the button pressed is disabled now: keep the focus in the pager.
  if (button.disabled) {
    const other = button === el.pageNext ? el.pagePrev : el.pageNext;
    (other.disabled ? el.listTitle : other).focus();
  }
}

export function selectedKeys(): ApiKeyInfo[] {
  return state.keys.filter((key) => state.selected.has(key.id));
}
