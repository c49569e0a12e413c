import { state } from "./app-state.js";
import { show } from "./dom-helpers.js";
import { loadKeys } from "./key-list.js";
import { TAB_NAMES, visibleTabs, type TabName } from "./page-access.js";
import { el } from "./page-elements.js";
import { loadRoles } from "./role-list.js";
import { tabEl } from "./tab-elements.js";
import { loadUsers } from "./user-list.js";

const buttons: Readonly<Record<TabName, HTMLButtonElement>> = { keys: tabEl.tabKeys, roles: tabEl.tabRoles, users: tabEl.tabUsers };
const panels: Readonly<Record<TabName, HTMLElement>> = { keys: el.keysView, roles: tabEl.rolesView, users: tabEl.usersView };
const titles: Readonly<Record<TabName, HTMLElement>> = { keys: el.listTitle, roles: tabEl.rolesTitle, users: tabEl.usersTitle };
const loaders: Readonly<Record<TabName, () => Promise<void>>> = { keys: loadKeys, roles: loadRoles, users: loadUsers };

/** Shows `tab`, loading its list afresh; `focusTitle`: move the focus to its heading (after sign-in). */
function selectTab(tab: TabName, focusTitle: boolean): void {
  state.tab = tab;
  for (const name of TAB_NAMES) {
    const selected = name === tab;
    buttons[name].setAttribute("aria-selected", selected ? "true" : "false");
    buttons[name].tabIndex = selected ? 0 : -1;
    show(panels[name], selected);
  }
  if (focusTitle) titles[tab].focus();
  void loaders[tab]();
}

/** After sign-in: the tabs the caller's privileges allow, the first one open. */
export function openTabs(): void {
  const tabs = visibleTabs(state.access);
  for (const name of TAB_NAMES) show(buttons[name], tabs.includes(name));
  show(tabEl.tabs, tabs.length > 0);
  show(tabEl.noTabs, tabs.length === 0);
  const first = tabs[0];
  if (first) selectTab(first, true);
}

/** Sign-out: no tab and no panel. */
export function closeTabs(): void {
  state.tab = null;
  show(tabEl.tabs, false);
  show(tabEl.noTabs, false);
  for (const name of TAB_NAMES) show(panels[name], false);
}

function tabOf(target: EventTarget | null): TabName | null {
  const name = target instanceof HTMLElement ? target.getAttribute("data-tab") : null;
  return TAB_NAMES.find((tab) => tab === name) ?? null;
}

export function onTabClick(event: Event): void {
  const tab = tabOf(event.currentTarget);
  if (tab && tab !== state.tab) selectTab(tab, false);
}

/** Arrow keys, Home and End move between the tabs shown (the ARIA tabs pattern). */
export function onTabKey(event: KeyboardEvent): void {
  const tabs = visibleTabs(state.access);
  const at = state.tab ? tabs.indexOf(state.tab) : -1;
  let next = -1;
  if (event.key === "ArrowRight") next = (at + 1) % tabs.length;
  else if (event.key === "ArrowLeft") next = (at - 1 + tabs.length) % tabs.length;
  else if (event.key === "Home") next = 0;
  else if (event.key === "End") next = tabs.length - 1;
  const tab = tabs[next];
  if (!tab) return;
  event.preventDefault();
  selectTab(tab, false);
  buttons[tab].focus();
}
